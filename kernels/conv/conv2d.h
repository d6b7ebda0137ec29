// The f32 2-D convolution family (NCHW activations, OIHW weights, as ONNX lays them out).
// Lifecycle (XNNPACK's create / setup / run): create() validates the shape and packs the weights once,
// at plan compile time; run() reads activations, writes y and uses caller-provided scratch, so nothing
// is allocated per inference. Implementations thread over output tiles with OpenMP themselves.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "graph/status.h"
#include "kernels/backend.h"
#include "kernels/cpu_features.h"
#include "kernels/epilogue.h"

namespace edgerun::kernels {

struct Conv2dShape {
  int64_t batch = 1;
  int64_t in_channels = 0;   // all groups together
  int64_t out_channels = 0;  // all groups together
  int64_t groups = 1;        // depthwise: groups == in_channels
  int64_t in_h = 0, in_w = 0;
  int64_t out_h = 0, out_w = 0;
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0;  // bottom / right padding is whatever out_h / out_w imply

  int64_t in_channels_per_group() const { return in_channels / groups; }
  int64_t out_channels_per_group() const { return out_channels / groups; }
  bool depthwise() const { return groups == in_channels && groups == out_channels; }
  // 1x1, stride 1, no padding: each image's channel planes are the product's right operand as they are.
  bool pointwise() const {
    return kernel_h == 1 && kernel_w == 1 && stride_h == 1 && stride_w == 1 && pad_top == 0 && pad_left == 0 &&
           out_h == in_h && out_w == in_w;
  }
  double flops() const {  // 2 * MACs
    return 2.0 * static_cast<double>(batch * out_channels * out_h * out_w * in_channels_per_group() * kernel_h *
                                     kernel_w);
  }
};

// A convolution prepared for one shape and one set of weights.
class Conv2dF32 {
 public:
  virtual ~Conv2dF32() = default;
  // x [batch, in_channels, in_h, in_w]; y [batch, out_channels, out_h, out_w]; residual is null
  // unless the epilogue asked for it, then shaped like y (it may alias y). scratch holds
  // scratch_bytes(), 64-byte aligned, and is not shared with other running kernels.
  virtual void run(const float* x, const float* residual, float* y, void* scratch) const = 0;
  virtual size_t scratch_bytes() const { return 0; }
};

struct Conv2dF32Impl {
  const char* name;  // XNNPACK style: f32_conv_hwc_3x3s2__avx512, onednn_conv, ...
  Isa isa;
  Backend backend;
  bool (*supports)(const Conv2dShape& shape);  // null: every shape
  // weights [out_channels, in_channels / groups, kernel_h, kernel_w]; bias [out_channels] or null.
  // The kernel copies what it needs: weights and bias may be freed after create. An error means the
  // entry cannot serve this case after all (a backend library refused it, out of memory): the caller
  // falls back to the next entry that supports the shape.
  Result<std::unique_ptr<Conv2dF32>> (*create)(const Conv2dShape& shape, const float* weights, const float* bias,
                                               const Epilogue& epilogue);
};

// Best first; the last entry is the reference (kernels/ref), which supports every shape.
const std::vector<Conv2dF32Impl>& conv2d_f32_impls();

}  // namespace edgerun::kernels
