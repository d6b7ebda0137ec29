// u8 x s8 -> s32 GEMM microkernels: one call computes c[mr x nr] = init[j] + row_init[i] +
// sum_k a[i][k] * b[k][j] for a tile of at most MR x NR over the whole depth. B comes in k-groups of G
// values ("c<G>" in the name, as XNNPACK), packed in panels of NR columns as [k / G][NR][G], depth
// padded to a multiple of G and columns past the end with zeros. A: the c4 (VNNI) tiles read the
// uint8 rows where they are (no packing; a depth tail is read without going past k); the c2 (AVX2)
// tiles take A widened to int16 and packed as [k / 2][MR][2], zero past k.
// Declared here without intrinsics; each ISA's file defines its tiles.
#pragma once

#include <cstdint>

namespace edgerun::kernels::x86 {

struct QGemmUkernelParams {
  int64_t k = 0;                  // depth
  const void* a = nullptr;        // c4: the tile's first row of uint8 A; c2: the packed int16 panel
  int64_t a_stride = 0;           // c4: bytes from one row of A to the next
  const void* b = nullptr;        // the packed panel: int8 (c4) or int16 widened from int8 (c2)
  const int32_t* init = nullptr;  // [NR]: the accumulators' start per column (bias - a_zp * colsum)
  const int32_t* row_init = nullptr;  // [MR] added to every column's start of that row, or null (qmatmul)
  int32_t* c = nullptr;           // the tile's top-left output element
  int64_t ldc = 0;
  int64_t mr = 0, nr = 0;  // valid rows (<= MR) and columns (<= NR); the rest is neither read nor stored
};

using QGemmUkernel = void (*)(const QGemmUkernelParams& p);

// y[i * ldy + j] = clamp(round(acc[i * ld_acc + j] * multiplier[j] / 2^shift[j]) + zero_point, lo, hi)
// for i < rows, j < cols, bit for bit as kernels/qgemm/requantize.h (ties away from zero, 0 <= lo <= hi
// <= 255, 1 <= shift <= 62).
struct QRequantParams {
  const int32_t* acc = nullptr;
  int64_t ld_acc = 0;
  int64_t rows = 0, cols = 0;
  const int32_t* multiplier = nullptr;  // [cols]
  const int32_t* shift = nullptr;       // [cols]
  int32_t zero_point = 0, lo = 0, hi = 255;
  uint8_t* y = nullptr;
  int64_t ldy = 0;
};

using QRequantUkernel = void (*)(const QRequantParams& p);

// y[i * ldy + j] = clamp(float(acc[i * ld_acc + j]) * scale[j] + residual[i * ld_residual + j], min, max)
// for i < rows, j < cols: the product rounded to float, then the sum rounded (never fused), then
// v = v > min ? v : min; v = v < max ? v : max, bit for bit as the scalar reference. residual: null for
// none; it may alias y.
struct QFloatOutParams {
  const int32_t* acc = nullptr;
  int64_t ld_acc = 0;
  int64_t rows = 0, cols = 0;
  const float* scale = nullptr;  // [cols]
  const float* residual = nullptr;
  int64_t ld_residual = 0;
  float min = 0, max = 0;
  float* y = nullptr;
  int64_t ldy = 0;
};

using QFloatOutUkernel = void (*)(const QFloatOutParams& p);

// The output stage of one ISA; null members: the scalar code.
struct QOutputUkernels {
  QRequantUkernel requantize = nullptr;
  QFloatOutUkernel float_out = nullptr;
};

void qs8_requantize__avx512vnni(const QRequantParams& p);
void qs8_requantize__avx2(const QRequantParams& p);
void qs8_float_out__avx512vnni(const QFloatOutParams& p);
void qs8_float_out__avx2(const QFloatOutParams& p);

// <rows>x<columns>c<G>.
void qs8_gemm_8x32c4__avx512vnni(const QGemmUkernelParams& p);
void qs8_gemm_4x64c4__avx512vnni(const QGemmUkernelParams& p);
void qs8_gemm_1x64c4__avx512vnni(const QGemmUkernelParams& p);
void qs8_gemm_4x24c2__avx2(const QGemmUkernelParams& p);
void qs8_gemm_1x32c2__avx2(const QGemmUkernelParams& p);

}  // namespace edgerun::kernels::x86
