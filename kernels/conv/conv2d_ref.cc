#include "kernels/conv/conv2d_ref.h"

#include <algorithm>

#include "kernels/ref/nn/conv.h"

namespace edgerun::kernels {

namespace {

ref::ConvParams ref_params(const Conv2dShape& s) {
  ref::ConvParams p;
  p.batch = s.batch;
  p.in_channels = s.in_channels;
  p.out_channels = s.out_channels;
  p.groups = s.groups;
  p.patch.image = {s.in_h, s.in_w};
  p.patch.grid = {s.out_h, s.out_w};
  p.patch.kernel = {s.kernel_h, s.kernel_w};
  p.patch.strides = {s.stride_h, s.stride_w};
  p.patch.dilations = {s.dilation_h, s.dilation_w};
  p.patch.pads_begin = {s.pad_top, s.pad_left};
  return p;
}

class Conv2dF32Ref final : public Conv2dF32 {
 public:
  Conv2dF32Ref(const Conv2dShape& shape, const float* weights, const float* bias, const Epilogue& epilogue)
      : params_(ref_params(shape)), epilogue_(epilogue) {
    weights_.assign(weights,
                    weights + shape.out_channels * shape.in_channels_per_group() * shape.kernel_h * shape.kernel_w);
    if (bias != nullptr) bias_.assign(bias, bias + shape.out_channels);
  }

  // The residual may alias y, which ref::conv overwrites: it is copied to the scratch tail first.
  void run(const float* x, const float* residual, float* y, void* scratch) const override {
    float* workspace = static_cast<float*>(scratch);
    float* residual_copy = workspace + ref::conv_workspace_size(params_);
    const int64_t n = output_size();
    if (epilogue_.residual) std::copy(residual, residual + n, residual_copy);
    ref::conv(params_, x, weights_.data(), bias_.empty() ? nullptr : bias_.data(), y, workspace);
    for (int64_t i = 0; i < n; ++i) {
      const float v = y[i] + (epilogue_.residual ? residual_copy[i] : 0.0f);
      y[i] = std::min(std::max(v, epilogue_.min), epilogue_.max);
    }
  }

  size_t scratch_bytes() const override {
    const int64_t residual = epilogue_.residual ? output_size() : 0;
    return static_cast<size_t>(ref::conv_workspace_size(params_) + residual) * sizeof(float);
  }

 private:
  int64_t output_size() const { return params_.batch * params_.out_channels * params_.patch.grid_size(); }

  ref::ConvParams params_;
  Epilogue epilogue_;
  std::vector<float> weights_, bias_;
};

}  // namespace

Result<std::unique_ptr<Conv2dF32>> create_conv2d_f32_ref(const Conv2dShape& shape, const float* weights,
                                                         const float* bias, const Epilogue& epilogue) {
  return std::unique_ptr<Conv2dF32>(std::make_unique<Conv2dF32Ref>(shape, weights, bias, epilogue));
}

}  // namespace edgerun::kernels
