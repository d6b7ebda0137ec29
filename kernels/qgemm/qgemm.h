// The u8 x s8 GEMM family (ONNX QLinearMatMul / QDQ MatMul and Gemm with constant weights, see
// DESIGN.md "Quantization"): asymmetric uint8 activations with one zero point, symmetric int8 weights
// (zero point 0) with a scale per output column, int32 bias, int32 accumulation:
//   acc[i][j] = sum_k (a[i][k] - a_zp) * b[k][j] + bias[j]
//   y[i][j]   = clamp(requantize(acc[i][j], column j) + y_zp, y_min, y_max)   (uint8)
// y_min / y_max carry a fused ReLU (y_min = y_zp) or Clip. The int32 output (acc itself) serves
// tests and later fusions. The weights are packed once at create.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "graph/status.h"
#include "kernels/backend.h"
#include "kernels/cpu_features.h"
#include "kernels/qgemm/requantize.h"

namespace edgerun::kernels {

struct QGemmShape {
  int64_t m = 0, n = 0, k = 0;
  double ops() const { return 2.0 * static_cast<double>(m * n * k); }
};

struct QGemmQuant {
  uint8_t a_zero_point = 0;
  // a_scale * b_scale[j] / y_scale: n values when per_channel, else one. Null: 1.
  const float* scale = nullptr;
  bool per_channel = false;
  uint8_t y_zero_point = 0;
  uint8_t y_min = 0, y_max = 255;
};

class QGemmU8S8 {
 public:
  virtual ~QGemmU8S8() = default;
  // a [m, k] uint8 row-major; y [m, n]. scratch holds scratch_bytes(), 64-byte aligned.
  virtual void run(const uint8_t* a, uint8_t* y, void* scratch) const = 0;
  // y [m, n] = acc, not requantized.
  virtual void run_s32(const uint8_t* a, int32_t* y, void* scratch) const = 0;
  virtual size_t scratch_bytes() const { return 0; }
};

struct QGemmU8S8Impl {
  const char* name;
  Isa isa;
  Backend backend;
  bool (*supports)(const QGemmShape& shape);  // null: every shape
  // b [k, n] int8 row-major; bias [n] or null; quant's scales are copied. Errors: a scale out of range
  // (see quantize_multiplier), y_min > y_max.
  Result<std::unique_ptr<QGemmU8S8>> (*create)(const QGemmShape& shape, const int8_t* b, const int32_t* bias,
                                               const QGemmQuant& quant);
};

const std::vector<QGemmU8S8Impl>& qgemm_u8s8_impls();

}  // namespace edgerun::kernels
