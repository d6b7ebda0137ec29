#include "kernels/conv/conv2d_depthwise.h"

#include "kernels/ref/omp.h"
#include "kernels/x86/dwconv/dwconv.h"

namespace edgerun::kernels {

namespace {

using x86::F32DwConvPlaneFn;

#define EDGERUN_X86_DWCONV_AVX2(variant, k, s) x86::f32_dwconv2d_chw_##variant##__avx2,
#define EDGERUN_X86_DWCONV_AVX512(variant, k, s) x86::f32_dwconv2d_chw_##variant##__avx512,
constexpr F32DwConvPlaneFn kAvx2[] = {EDGERUN_X86_WINDOW_VARIANTS(EDGERUN_X86_DWCONV_AVX2)};
constexpr F32DwConvPlaneFn kAvx512[] = {EDGERUN_X86_WINDOW_VARIANTS(EDGERUN_X86_DWCONV_AVX512)};
#undef EDGERUN_X86_DWCONV_AVX2
#undef EDGERUN_X86_DWCONV_AVX512

class Conv2dDepthwise final : public Conv2dF32 {
 public:
  Conv2dDepthwise(const Conv2dShape& shape, const float* weights, const float* bias, const Epilogue& epilogue,
                  const F32DwConvPlaneFn* variants)
      : shape_(shape),
        geometry_(x86::window_geometry_of(shape)),
        epilogue_(epilogue),
        plane_(variants[x86::window_variant(geometry_)]),
        weights_(weights, weights + shape.out_channels * shape.kernel_h * shape.kernel_w),
        bias_(static_cast<size_t>(shape.out_channels), 0.0f) {
    if (bias != nullptr) bias_.assign(bias, bias + shape.out_channels);
  }

  void run(const float* x, const float* residual, float* y, void* /*scratch*/) const override {
    const int64_t channels = shape_.out_channels;
    const int64_t taps = shape_.kernel_h * shape_.kernel_w;
    const int64_t in_plane = shape_.in_h * shape_.in_w;
    const int64_t out_plane = shape_.out_h * shape_.out_w;
    EDGERUN_OMP(parallel for schedule(static))
    for (int64_t p = 0; p < shape_.batch * channels; ++p) {
      const int64_t c = p % channels;
      x86::DwConvPlaneArgs a;
      a.x = x + p * in_plane;
      a.weights = weights_.data() + c * taps;
      a.bias = bias_[static_cast<size_t>(c)];
      a.residual = epilogue_.residual ? residual + p * out_plane : nullptr;
      a.y = y + p * out_plane;
      a.min = epilogue_.min;
      a.max = epilogue_.max;
      plane_(geometry_, a);
    }
  }

 private:
  Conv2dShape shape_;
  x86::WindowGeometry geometry_;
  Epilogue epilogue_;
  F32DwConvPlaneFn plane_;
  std::vector<float> weights_, bias_;
};

}  // namespace

// Gathers index columns with 32-bit offsets, hence the bound on the row length.
bool dwconv2d_supported(const Conv2dShape& s) {
  return s.depthwise() && s.kernel_h >= 1 && s.kernel_w >= 1 && s.stride_h >= 1 && s.stride_w >= 1 &&
         s.dilation_h >= 1 && s.dilation_w >= 1 && s.in_w < (int64_t{1} << 30) && s.pad_left < (int64_t{1} << 30) &&
         s.out_w * s.stride_w + s.kernel_w * s.dilation_w < (int64_t{1} << 30);
}

Result<std::unique_ptr<Conv2dF32>> create_dwconv2d_avx2(const Conv2dShape& shape, const float* weights, const float* bias,
                                                const Epilogue& epilogue) {
  return std::unique_ptr<Conv2dF32>(std::make_unique<Conv2dDepthwise>(shape, weights, bias, epilogue, kAvx2));
}

Result<std::unique_ptr<Conv2dF32>> create_dwconv2d_avx512(const Conv2dShape& shape, const float* weights, const float* bias,
                                                  const Epilogue& epilogue) {
  // Rows of 8 outputs or fewer (MobileNet's 7x7 layers) fill at most half of a 16-lane vector: the
  // 8-lane kernels waste less (1.2x on 960 x 7 x 7).
  return std::unique_ptr<Conv2dF32>(std::make_unique<Conv2dDepthwise>(shape, weights, bias, epilogue, shape.out_w <= 8 ? kAvx2 : kAvx512));
}

}  // namespace edgerun::kernels
