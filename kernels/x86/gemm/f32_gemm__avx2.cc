// AVX2+FMA f32 GEMM tiles: MR rows x NV vectors of 8 columns, MR * NV accumulators in ymm registers
// (16 of them: MR * NV + NV + 1 <= 16). N tails are vmaskmov loads and stores.
#include <immintrin.h>

#include <algorithm>

#include "kernels/x86/gemm/f32_gemm.h"

namespace edgerun::kernels::x86 {

namespace {

// tail_mask(left): lanes [0, min(left, 8)) set.
alignas(32) const int32_t kMaskTable[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

inline __m256i tail_mask(int64_t left) {
  const int64_t n = left >= 8 ? 8 : (left <= 0 ? 0 : left);
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kMaskTable + 8 - n));
}

// kStride: floats per packed row of B (the tile's NR; more when a narrow tile serves an N tail).
template <int MR, int NV, int kStride, bool kRows>
void gemm_tile(const GemmUkernelParams& p) {
  constexpr int kNr = NV * 8;
  __m256 acc[MR][NV];
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_setzero_ps();
  }
  const float* a = p.a;
  const float* b = p.b;
  // B read in place may end where its buffer ends: columns past nr are not loaded.
  const bool masked = kRows && p.nr < kNr;
  __m256i load_mask[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) load_mask[v] = tail_mask(p.nr - 8 * v);
  // Two k steps per iteration: 6x16 reaches ~100 GFLOP/s on Zen 5 instead of ~89 (loop overhead).
#pragma GCC unroll 2
  for (int64_t k = 0; k < p.kc; ++k) {
    if (kRows) b = p.b + p.b_rows[k];
    __m256 bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      bv[v] = masked ? _mm256_maskload_ps(b + 8 * v, load_mask[v]) : _mm256_loadu_ps(b + 8 * v);
    }
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    a += MR;
    if (!kRows) b += kStride;
  }

  // The epilogue runs over the valid rows only; indexing acc by a run-time row would move every
  // accumulator to memory for the whole loop above, so the tile goes through a stack buffer.
  alignas(32) float tile[MR][kNr];
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) _mm256_store_ps(&tile[i][8 * v], acc[i][v]);
  }
  const __m256 vmin = _mm256_set1_ps(p.min);
  const __m256 vmax = _mm256_set1_ps(p.max);
  for (int v = 0; v < NV && 8 * v < p.nr; ++v) {
    // Whole vectors use plain loads and stores; vmaskmov is slower and only needed at the N edge.
    const bool whole = p.nr - 8 * v >= 8;
    const __m256i mask = tail_mask(p.nr - 8 * v);
    auto load = [&](const float* at) { return whole ? _mm256_loadu_ps(at) : _mm256_maskload_ps(at, mask); };
    const __m256 col_bias = p.col_bias != nullptr ? load(p.col_bias + 8 * v) : _mm256_setzero_ps();
    for (int64_t i = 0; i < p.mr; ++i) {
      float* c = p.c + i * p.ldc + 8 * v;
      __m256 r = _mm256_load_ps(&tile[i][8 * v]);
      if (p.first) {
        r = _mm256_add_ps(r, col_bias);
        if (p.row_bias != nullptr) r = _mm256_add_ps(r, _mm256_broadcast_ss(p.row_bias + i));
        if (p.residual != nullptr) r = _mm256_add_ps(r, load(p.residual + i * p.ld_residual + 8 * v));
      } else {
        r = _mm256_add_ps(r, load(c));
      }
      if (p.last) r = _mm256_min_ps(_mm256_max_ps(r, vmin), vmax);
      if (whole) {
        _mm256_storeu_ps(c, r);
      } else {
        _mm256_maskstore_ps(c, mask, r);
      }
    }
  }
}

// The tile's last vectors all past nr (the last panel of N) are left out: a narrower tile runs.
template <int MR, int NV, int kStride = NV * 8>
void gemm_narrowing(const GemmUkernelParams& p) {
  if constexpr (NV > 1) {
    if (p.nr <= 8 * (NV - 1)) return gemm_narrowing<MR, NV - 1, kStride>(p);
  }
  if (p.b_rows != nullptr) {
    gemm_tile<MR, NV, kStride, true>(p);
  } else {
    gemm_tile<MR, NV, kStride, false>(p);
  }
}

}  // namespace

void f32_im2col_run__avx2(const float* row, int64_t iw0, int64_t in_w, int64_t stride, int64_t len, float* d) {
  if (stride != 1) {
    for (int64_t t = 0; t < len; ++t) {
      const int64_t iw = iw0 + t * stride;
      d[t] = iw >= 0 && iw < in_w ? row[iw] : 0.0f;
    }
    return;
  }
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (int64_t t = 0; t < len; t += 8) {
    const int64_t at = iw0 + t;  // input column of lane 0
    // Lanes l with 0 <= at + l < in_w, i.e. -at - 1 < l < in_w - at (bounds clamped to fit int32).
    const __m256i lo = _mm256_set1_epi32(static_cast<int32_t>(std::clamp<int64_t>(-at - 1, -1, 8)));
    const __m256i hi = _mm256_set1_epi32(static_cast<int32_t>(std::clamp<int64_t>(in_w - at, 0, 8)));
    const __m256i valid = _mm256_and_si256(_mm256_cmpgt_epi32(lane, lo), _mm256_cmpgt_epi32(hi, lane));
    const __m256 v = _mm256_maskload_ps(row + at, valid);
    if (len - t >= 8) {
      _mm256_storeu_ps(d + t, v);
    } else {
      _mm256_maskstore_ps(d + t, tail_mask(len - t), v);
    }
  }
}

void f32_gemm_6x16__avx2(const GemmUkernelParams& p) { gemm_narrowing<6, 2>(p); }
void f32_gemm_4x24__avx2(const GemmUkernelParams& p) { gemm_narrowing<4, 3>(p); }

}  // namespace edgerun::kernels::x86
