// The f32 dense family: a matrix product whose right operand is constant (Gemm and MatMul with
// weights: fully connected layers, the projections of attention and of the feed-forward blocks).
// y[m, n] = epilogue(a[m, k] . B[k, n] + bias[n]); the weights are packed once at create.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/backend.h"
#include "kernels/cpu_features.h"
#include "kernels/epilogue.h"

namespace edgerun::kernels {

struct DenseShape {
  int64_t m = 0, n = 0, k = 0;
  bool transpose_b = false;  // weights given as [n, k] (ONNX Gemm transB=1, PyTorch Linear)
  double flops() const { return 2.0 * static_cast<double>(m * n * k); }
};

class DenseF32 {
 public:
  virtual ~DenseF32() = default;
  // a [m, k] row-major; y [m, n]; residual null unless the epilogue asked for it, then [m, n] (may
  // alias y). scratch holds scratch_bytes(), 64-byte aligned.
  virtual void run(const float* a, const float* residual, float* y, void* scratch) const = 0;
  virtual size_t scratch_bytes() const { return 0; }
};

struct DenseF32Impl {
  const char* name;
  Isa isa;
  Backend backend;
  bool (*supports)(const DenseShape& shape);  // null: every shape
  // b [k, n] (or [n, k] when transpose_b); bias [n] or null. Copied at create. An error leaves the
  // caller to fall back to native.
  Result<std::unique_ptr<DenseF32>> (*create)(const DenseShape& shape, const float* b, const float* bias,
                                              const Epilogue& epilogue);
};

const std::vector<DenseF32Impl>& dense_f32_impls();

}  // namespace edgerun::kernels
