// The f32 batched matmul family: both operands known only at run time (attention's Q.K^T and P.V).
// For each of `batch` matrices: c[m, n] = a[m, k] . b[k, n], with element strides so that transposed
// views need no copy. Implementations thread over (batch, tile) with OpenMP.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/cpu_features.h"

namespace edgerun::kernels {

struct MatMulArgs {
  int64_t batch = 1, m = 0, n = 0, k = 0;
  const float* a = nullptr;
  int64_t a_batch_stride = 0, a_row_stride = 0, a_col_stride = 1;  // element a[i][p] = a[i*row + p*col]
  const float* b = nullptr;
  int64_t b_batch_stride = 0, b_row_stride = 0, b_col_stride = 1;
  float* c = nullptr;  // dense: c[batch][i][j] at batch * m * n + i * n + j
};

struct MatMulF32Impl {
  const char* name;
  Isa isa;
  void (*run)(const MatMulArgs& args);
};

// Best first; the last entry is portable.
const std::vector<MatMulF32Impl>& matmul_f32_impls();
const MatMulF32Impl& choose_matmul_f32();

}  // namespace edgerun::kernels
