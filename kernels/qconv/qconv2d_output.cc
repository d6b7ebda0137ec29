#include "kernels/qconv/qconv2d_output.h"


namespace edgerun::kernels {

namespace {

Status validate_shape(const Conv2dShape& s) {
  const bool positive = s.batch > 0 && s.in_channels > 0 && s.out_channels > 0 && s.groups > 0 && s.in_h > 0 &&
                        s.in_w > 0 && s.out_h > 0 && s.out_w > 0 && s.kernel_h > 0 && s.kernel_w > 0 &&
                        s.stride_h > 0 && s.stride_w > 0 && s.dilation_h > 0 && s.dilation_w > 0;
  if (!positive || s.pad_top < 0 || s.pad_left < 0) return invalid_argument("qconv2d: bad shape");
  if (s.in_channels % s.groups != 0 || s.out_channels % s.groups != 0) {
    return invalid_argument("qconv2d: channels not divisible by groups");
  }
  return Status();
}

}  // namespace

Result<QuantOutputTables> make_qconv_output_tables(const Conv2dShape& shape, const QConv2dParams& params) {
  RETURN_IF_ERROR(validate_shape(shape));
  return expand_quant_output(params.output, shape.out_channels, "qconv2d");
}

void set_qconv_output(const QuantOutputTables& t, int64_t c0, int64_t offset, void* y, const float* residual,
                      x86::QConvUkernelParams* p) {
  p->float_output = t.float_output;
  const auto c = static_cast<size_t>(c0);
  if (t.float_output) {
    p->y = static_cast<float*>(y) + offset;
    p->residual = t.epilogue.residual ? residual + offset : nullptr;
    p->scale = t.scale.data() + c;
    p->min = t.epilogue.min;
    p->max = t.epilogue.max;
  } else {
    p->y = static_cast<uint8_t*>(y) + offset;
    p->multiplier = t.requant.multiplier.data() + c;
    p->shift = t.requant.shift.data() + c;
    p->zero_point = t.requant.zero_point;
    p->lo = t.requant.lo;
    p->hi = t.requant.hi;
  }
}

}  // namespace edgerun::kernels
