// The INT8 SpMM microkernels for AVX2 (kernels/sparse/qs8_spmm.h; groups of 2): MR rows (one block row)
// x 16 columns. B's two rows of a group are widened to int16 and interleaved into (b0[j], b1[j]) pairs,
// which vpmaddwd multiplies by the group's two weights and sums into int32 (u8 x s8 products and their
// pair sums fit, so no saturation, unlike vpmaddubsw).
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/sparse/qs8_spmm.h"

namespace edgerun::kernels::x86 {

namespace {

constexpr int64_t kTile = 16;  // columns per step

// 16 bytes of a B row widened to int16; past n (the tail) zeros, without reading past it.
inline __m256i load_row16(const uint8_t* row, int64_t n) {
  if (n >= kTile) return _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row)));
  alignas(16) uint8_t tail[kTile] = {};
  std::memcpy(tail, row, static_cast<size_t>(n));
  return _mm256_cvtepu8_epi16(_mm_load_si128(reinterpret_cast<const __m128i*>(tail)));
}

template <int MR>
void qspmm_step(const QSpmmParams& p, int64_t j0) {
  const GroupSparseMatrix& a = *p.a;
  const int64_t n = std::min(kTile, p.n - j0), base = p.block_row_begin * MR;
  for (int64_t rb = p.block_row_begin; rb < p.block_row_end; ++rb) {
    const int64_t r0 = rb * MR, rows = std::min<int64_t>(MR, a.rows - r0);
    // acc[i][0] holds columns 0-3 and 8-11, acc[i][1] 4-7 and 12-15 (the unpacks work per 128-bit
    // lane). Loops over acc are unrolled so GCC keeps it in registers.
    __m256i acc[MR][2];
#pragma GCC unroll 4
    for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = _mm256_set1_epi32(p.init[r0 + std::min<int64_t>(i, rows - 1)]);
    for (int32_t g = a.group_begin[rb]; g < a.group_begin[rb + 1]; ++g) {
      const int32_t* c2 = a.group_col.data() + 2 * static_cast<int64_t>(g);
      const __m256i x0 = load_row16(qspmm_b_row(p, c2[0]) + j0, n), x1 = load_row16(qspmm_b_row(p, c2[1]) + j0, n);
      const __m256i lo = _mm256_unpacklo_epi16(x0, x1), hi = _mm256_unpackhi_epi16(x0, x1);
      const int8_t* wg = a.values.data() + static_cast<int64_t>(g) * MR * 2;
#pragma GCC unroll 4
      for (int i = 0; i < MR; ++i) {
        const int32_t pair = static_cast<int32_t>(static_cast<uint16_t>(wg[2 * i])) |
                             static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint16_t>(wg[2 * i + 1])) << 16);
        const __m256i w = _mm256_set1_epi32(pair);
        acc[i][0] = _mm256_add_epi32(acc[i][0], _mm256_madd_epi16(lo, w));
        acc[i][1] = _mm256_add_epi32(acc[i][1], _mm256_madd_epi16(hi, w));
      }
    }
#pragma GCC unroll 4
    for (int i = 0; i < MR; ++i) {
      if (i >= rows) break;
      alignas(32) int32_t row[kTile];
      _mm256_store_si256(reinterpret_cast<__m256i*>(row), _mm256_permute2x128_si256(acc[i][0], acc[i][1], 0x20));
      _mm256_store_si256(reinterpret_cast<__m256i*>(row + 8), _mm256_permute2x128_si256(acc[i][0], acc[i][1], 0x31));
      const int64_t r = r0 + i - base;
      for (int64_t j = 0; j < n; ++j) p.c[p.transposed_c ? (j0 + j) * p.ldc + r : r * p.ldc + j0 + j] = row[j];
    }
  }
}

template <int MR>
void qspmm(const QSpmmParams& p) {
  for (int64_t j0 = 0; j0 < p.n; j0 += kTile) qspmm_step<MR>(p, j0);
}

}  // namespace

void qs8_spmm_1x16__avx2(const QSpmmParams& p) { qspmm<1>(p); }
void qs8_spmm_2x16__avx2(const QSpmmParams& p) { qspmm<2>(p); }
void qs8_spmm_4x16__avx2(const QSpmmParams& p) { qspmm<4>(p); }

}  // namespace edgerun::kernels::x86
