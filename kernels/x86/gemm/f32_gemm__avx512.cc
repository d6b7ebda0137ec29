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

// kStride: floats per packed row of B (the tile's NR; more when a narrow tile serves an N tail).
template <int MR, int NV, int kStride, bool kRows>
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
  // B read in place may end where its buffer ends: columns past nr are not loaded.
  __mmask16 load_mask[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) load_mask[v] = tail_mask(p.nr - 16 * v);
  for (int64_t k = 0; k < p.kc; ++k) {
    if (kRows) b = p.b + p.b_rows[k];
    __m512 bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      bv[v] = kRows ? _mm512_maskz_loadu_ps(load_mask[v], b + 16 * v) : _mm512_loadu_ps(b + 16 * v);
    }
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const __m512 ai = _mm512_set1_ps(a[i]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    a += MR;
    if (!kRows) b += kStride;
  }

  // The epilogue runs over the valid rows only; indexing acc by a run-time row would move every
  // accumulator to memory for the whole loop above, so the tile goes through a stack buffer.
  alignas(64) float tile[MR][kNr];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) _mm512_store_ps(&tile[i][16 * v], acc[i][v]);
  }
  const __m512 vmin = _mm512_set1_ps(p.min);
  const __m512 vmax = _mm512_set1_ps(p.max);
  for (int v = 0; v < NV; ++v) {
    const __mmask16 mask = tail_mask(p.nr - 16 * v);
    if (mask == 0) break;
    const __m512 col_bias =
        p.col_bias != nullptr ? _mm512_maskz_loadu_ps(mask, p.col_bias + 16 * v) : _mm512_setzero_ps();
    for (int64_t i = 0; i < p.mr; ++i) {
      float* c = p.c + i * p.ldc + 16 * v;
      __m512 r = _mm512_load_ps(&tile[i][16 * v]);
      if (p.first) {
        r = _mm512_add_ps(r, col_bias);
        if (p.row_bias != nullptr) r = _mm512_add_ps(r, _mm512_set1_ps(p.row_bias[i]));
        if (p.residual != nullptr) {
          r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(mask, p.residual + i * p.ld_residual + 16 * v));
        }
      } else {
        r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(mask, c));
      }
      // maskz_: GCC 12 warns on the unmasked forms (their _mm512_undefined_ps).
      if (p.last) r = _mm512_maskz_min_ps(mask, _mm512_maskz_max_ps(mask, r, vmin), vmax);
      _mm512_mask_storeu_ps(c, mask, r);
    }
  }
}

// Lanes l with lo <= l < hi.
inline __mmask16 lanes(int64_t lo, int64_t hi) { return static_cast<__mmask16>(tail_mask(hi) & ~tail_mask(lo)); }

// The tile's last vectors all past nr (the last panel of N) are left out: a narrower tile runs.
template <int MR, int NV, int kStride = NV * 16>
void gemm_narrowing(const GemmUkernelParams& p) {
  if constexpr (NV > 1) {
    if (p.nr <= 16 * (NV - 1)) return gemm_narrowing<MR, NV - 1, kStride>(p);
  }
  if (p.b_rows != nullptr) {
    gemm_tile<MR, NV, kStride, true>(p);
  } else {
    gemm_tile<MR, NV, kStride, false>(p);
  }
}

}  // namespace

void f32_im2col_run__avx512(const float* row, int64_t iw0, int64_t in_w, int64_t stride, int64_t len, float* d) {
  if (stride == 1) {
    for (int64_t t = 0; t < len; t += 16) {
      const int64_t at = iw0 + t;  // input column of lane 0
      const __mmask16 valid = lanes(-at, in_w - at) & tail_mask(len - t);
      _mm512_mask_storeu_ps(d + t, tail_mask(len - t), _mm512_maskz_loadu_ps(valid, row + at));
    }
  } else if (stride == 2) {
    const __m512i evens = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    for (int64_t t = 0; t < len; t += 16) {
      const int64_t at = iw0 + 2 * t;  // input column of source lane 0
      const __m512 lo = _mm512_maskz_loadu_ps(lanes(-at, in_w - at), row + at);
      const __m512 hi = _mm512_maskz_loadu_ps(lanes(-at - 16, in_w - at - 16), row + at + 16);
      _mm512_mask_storeu_ps(d + t, tail_mask(len - t), _mm512_permutex2var_ps(lo, evens, hi));
    }
  } else {
    for (int64_t t = 0; t < len; ++t) {
      const int64_t iw = iw0 + t * stride;
      d[t] = iw >= 0 && iw < in_w ? row[iw] : 0.0f;
    }
  }
}

void f32_gemm_14x32__avx512(const GemmUkernelParams& p) { gemm_narrowing<14, 2>(p); }
void f32_gemm_8x48__avx512(const GemmUkernelParams& p) { gemm_narrowing<8, 3>(p); }
void f32_gemm_6x64__avx512(const GemmUkernelParams& p) { gemm_narrowing<6, 4>(p); }
void f32_gemm_4x64__avx512(const GemmUkernelParams& p) { gemm_narrowing<4, 4>(p); }

}  // namespace edgerun::kernels::x86
