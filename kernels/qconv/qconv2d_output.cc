#include "kernels/qconv/qconv2d_output.h"

#include <cmath>

#include "kernels/qgemm/requantize.h"

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

Result<QConvOutputTables> make_qconv_output_tables(const Conv2dShape& shape, const QConv2dParams& params) {
  RETURN_IF_ERROR(validate_shape(shape));
  const QuantOutput& out = params.output;
  const auto channels = static_cast<size_t>(shape.out_channels);
  if (out.scale.size() != 1 && out.scale.size() != channels) {
    return invalid_argument("qconv2d: scale count is neither 1 nor out_channels");
  }
  if (!out.bias.empty() && out.bias.size() != channels) {
    return invalid_argument("qconv2d: bias count is not out_channels");
  }
  QConvOutputTables t;
  t.float_output = out.float_output;
  t.epilogue = out.epilogue;
  t.zero_point = out.zero_point;
  t.lo = out.lo;
  t.hi = out.hi;
  for (int64_t c = 0; c < shape.out_channels; ++c) {
    t.bias.push_back(out.channel_bias(c));
    const float scale = out.channel_scale(c);
    if (out.float_output) {
      if (!std::isfinite(scale)) return invalid_argument("qconv2d: float output scale is not finite");
      t.scale.push_back(scale);
    } else {
      ASSIGN_OR_RETURN(FixedPointScale s, quantize_multiplier(scale));
      t.multiplier.push_back(s.multiplier);
      t.shift.push_back(s.shift);
    }
  }
  if (!out.float_output && out.lo > out.hi) return invalid_argument("qconv2d: uint8 clamp with lo > hi");
  if (out.float_output && out.epilogue.min > out.epilogue.max) {
    return invalid_argument("qconv2d: float clamp with min > max");
  }
  return t;
}

}  // namespace edgerun::kernels
