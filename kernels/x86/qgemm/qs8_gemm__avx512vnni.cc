// AVX-512 VNNI u8 x s8 GEMM tiles: vpdpbusd multiplies 4 uint8 of A (one 32-bit broadcast) by 4 int8
// of B per 32-bit lane and adds the 4 products to the lane's int32 accumulator, exactly (no
// saturation: |sum| <= 4 * 255 * 128). MR * NV accumulators; N tails are masked stores.
#include <immintrin.h>

#include <cstring>

#include "kernels/x86/qgemm/qs8_gemm.h"

namespace edgerun::kernels::x86 {

namespace {

inline __mmask16 tail_mask(int64_t left) {
  if (left >= 16) return 0xFFFF;
  return left <= 0 ? 0 : static_cast<__mmask16>((1u << left) - 1);
}

template <int MR, int NV>
void qgemm_tile(const QGemmUkernelParams& p) {
  constexpr int kNr = 16 * NV;
  const int32_t* init = p.init;
  __m512i acc[MR][NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) acc[0][v] = _mm512_loadu_si512(init + 16 * v);
#pragma GCC unroll 16
  for (int i = 1; i < MR; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i][v] = acc[0][v];
  }
  const uint8_t* a = static_cast<const uint8_t*>(p.a);
  const int8_t* b = static_cast<const int8_t*>(p.b);
  for (int64_t g = 0; g < p.groups; ++g) {
    __m512i bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = _mm512_loadu_si512(b + 64 * v);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      int32_t word;
      std::memcpy(&word, a + i * p.lda + 4 * g, sizeof(word));
      const __m512i ai = _mm512_set1_epi32(word);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_dpbusd_epi32(acc[i][v], ai, bv[v]);
    }
    b += 4 * kNr;
  }
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) _mm512_mask_storeu_epi32(p.c + i * p.ldc + 16 * v, tail_mask(p.nr - 16 * v), acc[i][v]);
  }
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

void qs8_gemm_8x32c4__avx512vnni(const QGemmUkernelParams& p) { qgemm_rows<8, 2>(p); }
void qs8_gemm_4x64c4__avx512vnni(const QGemmUkernelParams& p) { qgemm_rows<4, 4>(p); }

}  // namespace edgerun::kernels::x86
