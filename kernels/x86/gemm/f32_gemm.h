// f32 GEMM microkernels (Goto / BLIS register tiles, as XNNPACK's f32_gemm): one call computes a tile
// C[MR x NR] over one block of depth kc from packed panels, A broadcast one element at a time and B
// loaded a vector at a time; vectors wholly past nr (the last panel of N) are not computed.
// Declared here without intrinsics; each ISA's file defines its tiles.
#pragma once

#include <cstdint>

namespace edgerun::kernels::x86 {

struct GemmUkernelParams {
  int64_t kc = 0;            // depth of this block
  const float* a = nullptr;  // kc x MR, k-major, rows past mr zero
  const float* b = nullptr;  // kc x NR, k-major, columns past nr zero; or see b_rows
  // Null: B is packed. Else B's row k is at b + b_rows[k], read in place (conv's input rows); only
  // its first nr floats are read.
  const int64_t* b_rows = nullptr;
  float* c = nullptr;  // the tile's top-left output element
  int64_t ldc = 0;
  int64_t mr = 0, nr = 0;  // valid rows (<= MR) and columns (<= NR); the rest is not stored
  // The first block starts from the bias and residual (so a residual aliasing c is read before c is
  // written); later blocks add to c. The last block clamps.
  bool first = true, last = true;
  const float* row_bias = nullptr;  // [mr]: conv's bias per output channel; null: none
  const float* col_bias = nullptr;  // [nr]: dense's bias per output column; null: none
  const float* residual = nullptr;  // laid out like c with leading dimension ld_residual; null: none
  int64_t ld_residual = 0;
  float min = 0, max = 0;  // clamp of the last block
};

using GemmUkernel = void (*)(const GemmUkernelParams& p);

// <rows>x<columns>: MR x NR.
void f32_gemm_14x32__avx512(const GemmUkernelParams& p);
void f32_gemm_8x48__avx512(const GemmUkernelParams& p);
void f32_gemm_6x64__avx512(const GemmUkernelParams& p);
void f32_gemm_4x64__avx512(const GemmUkernelParams& p);
void f32_gemm_6x16__avx2(const GemmUkernelParams& p);
void f32_gemm_4x24__avx2(const GemmUkernelParams& p);

// One run of a row of implicit im2col (conv's B): d[t] = row[iw0 + t * stride] where that index is in
// [0, in_w), else 0 (padding), for t < len. in_w = 0 writes zeros. Masked vector loads read only
// valid elements.
using Im2colRun = void (*)(const float* row, int64_t iw0, int64_t in_w, int64_t stride, int64_t len, float* d);
void f32_im2col_run__avx512(const float* row, int64_t iw0, int64_t in_w, int64_t stride, int64_t len, float* d);
void f32_im2col_run__avx2(const float* row, int64_t iw0, int64_t in_w, int64_t stride, int64_t len, float* d);

}  // namespace edgerun::kernels::x86
