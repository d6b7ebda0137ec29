// AVX2+FMA f32 GEMM tiles: MR rows x NV vectors of 8 columns, MR * NV accumulators in ymm registers
// (16 of them: MR * NV + NV + 1 <= 16). N tails are vmaskmov loads and stores.
#include <immintrin.h>

#include "kernels/x86/gemm/f32_gemm.h"

namespace edgerun::kernels::x86 {

namespace {

// tail_mask(left): lanes [0, min(left, 8)) set.
alignas(32) const int32_t kMaskTable[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

inline __m256i tail_mask(int64_t left) {
  const int64_t n = left >= 8 ? 8 : (left <= 0 ? 0 : left);
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kMaskTable + 8 - n));
}

template <int MR, int NV>
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
  for (int64_t k = p.kc; k > 0; --k) {
    __m256 bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = _mm256_loadu_ps(b + 8 * v);
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    a += MR;
    b += kNr;
  }

  __m256i mask[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) mask[v] = tail_mask(p.nr - 8 * v);
  const bool full = p.nr == kNr;
  const __m256 vmin = _mm256_set1_ps(p.min);
  const __m256 vmax = _mm256_set1_ps(p.max);
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i) {
    if (i >= p.mr) break;
    float* c = p.c + i * p.ldc;
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      __m256 r = acc[i][v];
      // Full tiles use plain loads and stores; vmaskmov is slower and only needed at the N edge.
      auto load = [&](const float* at) { return full ? _mm256_loadu_ps(at) : _mm256_maskload_ps(at, mask[v]); };
      if (p.first) {
        if (p.row_bias != nullptr) r = _mm256_add_ps(r, _mm256_broadcast_ss(p.row_bias + i));
        if (p.col_bias != nullptr) r = _mm256_add_ps(r, load(p.col_bias + 8 * v));
        if (p.residual != nullptr) r = _mm256_add_ps(r, load(p.residual + i * p.ld_residual + 8 * v));
      } else {
        r = _mm256_add_ps(r, load(c + 8 * v));
      }
      if (p.last) r = _mm256_min_ps(_mm256_max_ps(r, vmin), vmax);
      if (full) {
        _mm256_storeu_ps(c + 8 * v, r);
      } else {
        _mm256_maskstore_ps(c + 8 * v, mask[v], r);
      }
    }
  }
}

}  // namespace

void f32_gemm_6x16__avx2(const GemmUkernelParams& p) { gemm_tile<6, 2>(p); }
void f32_gemm_4x24__avx2(const GemmUkernelParams& p) { gemm_tile<4, 3>(p); }

}  // namespace edgerun::kernels::x86
