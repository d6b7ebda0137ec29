// Run-time packing microkernels of the c4 (VNNI) tiles for qmatmul, whose B is an activation: B's
// panel into the tiles' layout with its column sums, and A's row sums (the zero-point corrections).
// Declared here without intrinsics; each ISA's file defines them.
#pragma once

#include <cstdint>

namespace edgerun::kernels::x86 {

// `cols` (<= nr, nr a multiple of 16) columns of B into dst [ceil(k / 4)][nr][4] int8, zero past k
// and cols. B: element (p, j) at b[p * stride + j], or b[j * stride + p] when transposed; uint8 B is
// flipped to int8 (b - 128). colsum[j] (j < nr) = the sum of column j as packed.
struct QPackBParams {
  const uint8_t* b = nullptr;
  int64_t stride = 0;
  bool transposed = false, flip = false;
  int64_t k = 0, cols = 0, nr = 0;
  int8_t* dst = nullptr;
  int32_t* colsum = nullptr;
};

using QPackBUkernel = void (*)(const QPackBParams& p);
// sum[i] = sum_p a[i * stride + p] for i < rows, p < k.
using QRowSumUkernel = void (*)(const uint8_t* a, int64_t stride, int64_t rows, int64_t k, int32_t* sum);

void qs8_pack_b_c4__avx512vnni(const QPackBParams& p);
void qs8_row_sums__avx512vnni(const uint8_t* a, int64_t stride, int64_t rows, int64_t k, int32_t* sum);

}  // namespace edgerun::kernels::x86
