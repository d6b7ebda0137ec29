// The quantized batched matmul family: both operands are activations known only at run time
// (attention's Q.K^T and P.V in a quantized transformer; ONNX QLinearMatMul / MatMulInteger without a
// constant side). For each of `batch` matrices, with per-tensor zero points:
//   acc[i][j] = sum_k (a[i][k] - a_zp) * (b[k][j] - b_zp) + bias[j]     (int32, exact; wraps on overflow)
// then the shared output description (kernels/qgemm/quant_output.h), uint8 or float. A is uint8; B is
// uint8 or int8, given as [k, n] or transposed as [n, k] (K of Q.K^T, read without a copy).
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

struct QMatMulShape {
  int64_t batch = 1, m = 0, n = 0, k = 0;
  bool b_signed = false;      // B int8, else uint8
  bool b_transposed = false;  // B stored [n, k]: b[k][j] at j * b_row_stride + k; else [k, n]
  double ops() const { return 2.0 * static_cast<double>(batch * m * n * k); }
};

struct QMatMulArgs {
  const uint8_t* a = nullptr;  // a[b][i][p] at b * a_batch_stride + i * a_row_stride + p
  int64_t a_batch_stride = 0, a_row_stride = 0;
  const void* b = nullptr;  // uint8 or int8 as the shape; b[b][p][j] at b * b_batch_stride + p * b_row_stride + j
  int64_t b_batch_stride = 0, b_row_stride = 0;  // (transposed: + j * b_row_stride + p)
  const float* residual = nullptr;  // like y, float output with epilogue.residual only (may alias y)
  void* y = nullptr;                // dense [batch][m][n]: uint8 or float as the QuantOutput; int32 for run_s32
  void* scratch = nullptr;          // scratch_bytes(), 64-byte aligned
};

class QMatMul {
 public:
  virtual ~QMatMul() = default;
  virtual void run(const QMatMulArgs& args) const = 0;
  // y = acc (int32), not requantized.
  virtual void run_s32(const QMatMulArgs& args) const = 0;
  virtual size_t scratch_bytes() const = 0;
};

struct QMatMulImpl {
  const char* name;
  Isa isa;
  Backend backend;
  bool (*supports)(const QMatMulShape& shape);  // null: every shape
  // b_zero_point in B's range (0..255 or -128..127); out is copied (per tensor or per column n).
  // Errors: a zero point out of range, and those of QuantStore::make.
  Result<std::unique_ptr<QMatMul>> (*create)(const QMatMulShape& shape, uint8_t a_zero_point, int32_t b_zero_point,
                                             const QuantOutput& out);
};

const std::vector<QMatMulImpl>& qmatmul_impls();

}  // namespace edgerun::kernels
