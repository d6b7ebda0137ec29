#include "kernels/qconv/qconv2d_ref.h"

#include "kernels/qconv/qconv2d_output.h"

namespace edgerun::kernels {

namespace {

class QConv2dRef final : public QConv2d {
 public:
  QConv2dRef(const Conv2dShape& shape, const int8_t* weights, uint8_t x_zp, QuantOutputTables tables)
      : s_(shape), x_zp_(x_zp), t_(std::move(tables)) {
    weights_.assign(weights, weights + shape.out_channels * shape.in_channels_per_group() * shape.kernel_h *
                                           shape.kernel_w);
  }

  // Each y element is written once, after its residual element is read: the residual may alias y.
  void run(const uint8_t* x, const float* residual, void* y, void* /*scratch*/) const override {
    const int64_t cin = s_.in_channels_per_group(), cout = s_.out_channels_per_group();
    const int64_t plane = s_.out_h * s_.out_w;
    for (int64_t n = 0; n < s_.batch; ++n) {
      for (int64_t c = 0; c < s_.out_channels; ++c) {
        const uint8_t* xg = x + (n * s_.in_channels + (c / cout) * cin) * s_.in_h * s_.in_w;
        const int8_t* wc = weights_.data() + c * cin * s_.kernel_h * s_.kernel_w;
        for (int64_t oh = 0; oh < s_.out_h; ++oh) {
          for (int64_t ow = 0; ow < s_.out_w; ++ow) {
            // Wrapping int32 arithmetic, as the fast entries' accumulators.
            uint32_t acc = static_cast<uint32_t>(t_.bias[static_cast<size_t>(c)]);
            for (int64_t ci = 0; ci < cin; ++ci) {
              for (int64_t kh = 0; kh < s_.kernel_h; ++kh) {
                const int64_t ih = oh * s_.stride_h - s_.pad_top + kh * s_.dilation_h;
                if (ih < 0 || ih >= s_.in_h) continue;
                for (int64_t kw = 0; kw < s_.kernel_w; ++kw) {
                  const int64_t iw = ow * s_.stride_w - s_.pad_left + kw * s_.dilation_w;
                  if (iw < 0 || iw >= s_.in_w) continue;
                  const int32_t xv = static_cast<int32_t>(xg[(ci * s_.in_h + ih) * s_.in_w + iw]) - x_zp_;
                  acc += static_cast<uint32_t>(xv * wc[(ci * s_.kernel_h + kh) * s_.kernel_w + kw]);
                }
              }
            }
            const int64_t i = (n * s_.out_channels + c) * plane + oh * s_.out_w + ow;
            const auto a = static_cast<int32_t>(acc);
            if (t_.float_output) {
              static_cast<float*>(y)[i] = qconv_output_f32(t_, c, a, t_.epilogue.residual ? residual[i] : 0.0f);
            } else {
              static_cast<uint8_t*>(y)[i] = qconv_output_u8(t_, c, a);
            }
          }
        }
      }
    }
  }

 private:
  Conv2dShape s_;
  int32_t x_zp_;
  QuantOutputTables t_;
  std::vector<int8_t> weights_;
};

}  // namespace

Result<std::unique_ptr<QConv2d>> create_qconv2d_ref(const Conv2dShape& shape, const int8_t* weights,
                                                    const QConv2dParams& params) {
  ASSIGN_OR_RETURN(QuantOutputTables tables, make_qconv_output_tables(shape, params));
  return std::unique_ptr<QConv2d>(std::make_unique<QConv2dRef>(shape, weights, params.x_zero_point, std::move(tables)));
}

}  // namespace edgerun::kernels
