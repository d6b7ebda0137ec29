// AVX2 u8 x s8 GEMM tiles without overflow: vpmaddubsw would saturate its int16 pair sums (255 * 127
// * 2 > 32767), so both operands are widened to int16 at pack time and vpmaddwd adds each pair of
// products into an int32 lane exactly. A pair of A (one 32-bit broadcast) meets 8 columns of B per
// vector; MR * NV accumulators; N tails go through a stack buffer.
#include <immintrin.h>

#include <cstring>

#include "kernels/x86/qgemm/qs8_gemm.h"

namespace edgerun::kernels::x86 {

namespace {

template <int MR, int NV>
void qgemm_tile(const QGemmUkernelParams& p) {
  constexpr int kNr = 8 * NV;
  __m256i acc[MR][NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    acc[0][v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.init + 8 * v));
  }
#pragma GCC unroll 16
  for (int i = 1; i < MR; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i][v] = acc[0][v];
  }
  const int16_t* a = static_cast<const int16_t*>(p.a);
  const int16_t* b = static_cast<const int16_t*>(p.b);
  for (int64_t g = 0; g < p.groups; ++g) {
    __m256i bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 16 * v));
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      int32_t pair;
      std::memcpy(&pair, a + i * p.lda + 2 * g, sizeof(pair));
      const __m256i ai = _mm256_set1_epi32(pair);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_add_epi32(acc[i][v], _mm256_madd_epi16(ai, bv[v]));
    }
    b += 2 * kNr;
  }
  if (p.nr == kNr) {
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(p.c + i * p.ldc + 8 * v), acc[i][v]);
      }
    }
    return;
  }
  alignas(32) int32_t tile[MR][kNr];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) _mm256_store_si256(reinterpret_cast<__m256i*>(&tile[i][8 * v]), acc[i][v]);
  }
  for (int i = 0; i < MR; ++i) std::memcpy(p.c + i * p.ldc, tile[i], static_cast<size_t>(p.nr) * sizeof(int32_t));
}

// Runs the tile of exactly p.mr rows (the last row panel is shorter), so no row of A past m is read.
template <int MR, int NV>
void qgemm_rows(const QGemmUkernelParams& p) {
  if constexpr (MR > 1) {
    if (p.mr < MR) return qgemm_rows<MR - 1, NV>(p);
  }
  qgemm_tile<MR, NV>(p);
}

}  // namespace

void qs8_gemm_4x24c2__avx2(const QGemmUkernelParams& p) { qgemm_rows<4, 3>(p); }

}  // namespace edgerun::kernels::x86
