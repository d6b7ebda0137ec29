// The f32 2-D pooling family over NCHW tensors: MaxPool, AveragePool, GlobalMaxPool and
// GlobalAveragePool with ONNX's semantics (kernels/ref/nn/pool.h says them precisely). Pooling has no
// weights, so create() only precomputes what depends on the shape (divisors, padding-only windows);
// run() allocates nothing and threads over (image, channel) planes with OpenMP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/backend.h"
#include "kernels/cpu_features.h"

namespace edgerun::kernels {

enum class PoolKind : int { kMax, kAverage, kGlobalMax, kGlobalAverage };

struct Pool2dShape {
  PoolKind kind = PoolKind::kMax;
  int64_t batch = 1;
  int64_t channels = 0;
  int64_t in_h = 0, in_w = 0;    // global pools: any plane works as [1, plane]
  int64_t out_h = 1, out_w = 1;  // global pools: 1 x 1; the rest is ignored for them
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0;
  int64_t pad_bottom = 0, pad_right = 0;  // only for count_include_pad (out_h / out_w imply the rest)
  // Average pool divisor: taps inside the image (false) or inside the image extended by its pads
  // (true, as ONNX Runtime; taps past the end padding, which ceil_mode can add, never count).
  bool count_include_pad = false;

  int64_t planes() const { return batch * channels; }
  bool global() const { return kind == PoolKind::kGlobalMax || kind == PoolKind::kGlobalAverage; }
};

// A pooling prepared for one shape.
class Pool2dF32 {
 public:
  virtual ~Pool2dF32() = default;
  // x [batch, channels, in_h, in_w]; y [batch, channels, out_h, out_w]. scratch holds scratch_bytes(),
  // 64-byte aligned, not shared with other running kernels.
  virtual void run(const float* x, float* y, void* scratch) const = 0;
  virtual size_t scratch_bytes() const { return 0; }
};

struct Pool2dF32Impl {
  const char* name;  // XNNPACK style: f32_pool2d_chw__avx512, ...
  Isa isa;
  Backend backend;
  bool (*supports)(const Pool2dShape& shape);  // null: every shape
  std::unique_ptr<Pool2dF32> (*create)(const Pool2dShape& shape);
};

// Best first; the last entry is the reference (kernels/ref), which supports every shape.
const std::vector<Pool2dF32Impl>& pool2d_f32_impls();

}  // namespace edgerun::kernels
