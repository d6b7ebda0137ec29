// AVX-512 f32 GEMM tiles: MR rows x NV vectors of 16 columns, MR * NV accumulators in zmm registers
// (32 of them: MR * NV + NV + 1 <= 32). N tails are masked loads and stores.
#include <immintrin.h>

#include "kernels/x86/gemm/f32_gemm.h"

namespace edgerun::kernels::x86 {

namespace {

inline __mmask16 tail_mask(int64_t left) {
  if (left >= 16) return 0xFFFF;
  return left <= 0 ? 0 : static_cast<__mmask16>((1u << left) - 1);
}

template <int MR, int NV>
void gemm_tile(const GemmUkernelParams& p) {
  constexpr int kNr = NV * 16;
  __m512 acc[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_setzero_ps();
  }
  const float* a = p.a;
  const float* b = p.b;
  for (int64_t k = p.kc; k > 0; --k) {
    __m512 bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = _mm512_loadu_ps(b + 16 * v);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const __m512 ai = _mm512_set1_ps(a[i]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    a += MR;
    b += kNr;
  }

  __mmask16 mask[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) mask[v] = tail_mask(p.nr - 16 * v);
  const __m512 vmin = _mm512_set1_ps(p.min);
  const __m512 vmax = _mm512_set1_ps(p.max);
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    if (i >= p.mr) break;
    float* c = p.c + i * p.ldc;
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      __m512 r = acc[i][v];
      if (p.first) {
        if (p.row_bias != nullptr) r = _mm512_add_ps(r, _mm512_set1_ps(p.row_bias[i]));
        if (p.col_bias != nullptr) r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(mask[v], p.col_bias + 16 * v));
        if (p.residual != nullptr) {
          r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(mask[v], p.residual + i * p.ld_residual + 16 * v));
        }
      } else {
        r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(mask[v], c + 16 * v));
      }
      // maskz_: GCC 12 warns on the unmasked forms (their _mm512_undefined_ps).
      if (p.last) r = _mm512_maskz_min_ps(mask[v], _mm512_maskz_max_ps(mask[v], r, vmin), vmax);
      _mm512_mask_storeu_ps(c + 16 * v, mask[v], r);
    }
  }
}

}  // namespace

void f32_gemm_14x32__avx512(const GemmUkernelParams& p) { gemm_tile<14, 2>(p); }
void f32_gemm_8x48__avx512(const GemmUkernelParams& p) { gemm_tile<8, 3>(p); }
void f32_gemm_6x64__avx512(const GemmUkernelParams& p) { gemm_tile<6, 4>(p); }
void f32_gemm_4x64__avx512(const GemmUkernelParams& p) { gemm_tile<4, 4>(p); }

}  // namespace edgerun::kernels::x86
