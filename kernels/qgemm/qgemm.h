// The u8 x s8 GEMM family (ONNX QLinearMatMul / QDQ MatMul and Gemm with constant weights, ONNX
// Runtime's MatMulIntegerToFloat; see DESIGN.md "Quantization"): asymmetric uint8 activations with one
// zero point, symmetric int8 weights (zero point 0) with a scale per output column, int32 bias, int32
// accumulation, then the shared output description (kernels/qgemm/quant_output.h):
//   acc[i][j] = sum_k (a[i][k] - a_zp) * b[k][j] + bias[j]
//   uint8: y[i][j] = clamp(requantize(acc[i][j], scale[j]) + zero_point, lo, hi)
//   float: y[i][j] = clamp(float(acc[i][j]) * scale[j] + residual[i][j], min, max)
// The int32 output (acc itself) serves tests and later fusions. The weights are packed once at create.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "graph/status.h"
#include "kernels/backend.h"
#include "kernels/cpu_features.h"
#include "kernels/qgemm/quant_output.h"

namespace edgerun::kernels {

struct QGemmShape {
  int64_t m = 0, n = 0, k = 0;
  double ops() const { return 2.0 * static_cast<double>(m * n * k); }
};

class QGemmU8S8 {
 public:
  virtual ~QGemmU8S8() = default;
  // a [m, k] uint8 row-major; y [m, n] uint8 or float as the QuantOutput; residual [m, n] float (may
  // alias y), read only for float output with epilogue.residual (then required). scratch holds
  // scratch_bytes(), 64-byte aligned.
  virtual void run(const uint8_t* a, const float* residual, void* y, void* scratch) const = 0;
  // y [m, n] = acc, not requantized.
  virtual void run_s32(const uint8_t* a, int32_t* y, void* scratch) const = 0;
  virtual size_t scratch_bytes() const { return 0; }
};

struct QGemmU8S8Impl {
  const char* name;
  Isa isa;
  Backend backend;
  bool (*supports)(const QGemmShape& shape);  // null: every shape
  // b [k, n] int8 row-major (packed, not kept); out is copied. Errors: see QuantStore::make.
  Result<std::unique_ptr<QGemmU8S8>> (*create)(const QGemmShape& shape, const int8_t* b, uint8_t a_zero_point,
                                               const QuantOutput& out);
};

const std::vector<QGemmU8S8Impl>& qgemm_u8s8_impls();

}  // namespace edgerun::kernels
