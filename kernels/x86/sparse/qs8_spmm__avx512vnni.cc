// The INT8 SpMM microkernels (kernels/sparse/qs8_spmm.h): MR rows (one block row) x 64 columns, four
// vectors of 16 int32 accumulators a row.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/sparse/qs8_spmm.h"

namespace edgerun::kernels::x86 {

namespace {

// Rows x0..x3 of 64 bytes interleaved into dword lanes (x0[j], x1[j], x2[j], x3[j]). The unpacks work
// within 128-bit lanes: q[v] lane 4L + t holds column 16L + 4v + t.
inline void interleave4(__m512i x0, __m512i x1, __m512i x2, __m512i x3, __m512i q[4]) {
  const __m512i t0 = _mm512_unpacklo_epi8(x0, x1), t1 = _mm512_unpackhi_epi8(x0, x1);
  const __m512i t2 = _mm512_unpacklo_epi8(x2, x3), t3 = _mm512_unpackhi_epi8(x2, x3);
  q[0] = _mm512_unpacklo_epi16(t0, t2);
  q[1] = _mm512_unpackhi_epi16(t0, t2);
  q[2] = _mm512_unpacklo_epi16(t1, t3);
  q[3] = _mm512_unpackhi_epi16(t1, t3);
}

// The maskz forms with every lane: GCC 12's unmasked shuffles and unpacks trip -Wmaybe-uninitialized.
constexpr __mmask16 kAll = 0xFFFF;
constexpr __mmask8 kAll8 = 0xFF, kAll4 = 0xF;

// Back to column order: out[v] holds columns 16v..16v+15, i.e. 128-bit lane v of q0..q3. The
// accumulators come by value: an accumulator array whose address escapes is kept in memory by GCC.
inline void deinterleave(__m512i q0, __m512i q1, __m512i q2, __m512i q3, __m512i out[4]) {
  const __m512i u0 = _mm512_maskz_shuffle_i32x4(kAll, q0, q1, 0x44);
  const __m512i u1 = _mm512_maskz_shuffle_i32x4(kAll, q2, q3, 0x44);
  const __m512i u2 = _mm512_maskz_shuffle_i32x4(kAll, q0, q1, 0xEE);
  const __m512i u3 = _mm512_maskz_shuffle_i32x4(kAll, q2, q3, 0xEE);
  out[0] = _mm512_maskz_shuffle_i32x4(kAll, u0, u1, 0x88);
  out[1] = _mm512_maskz_shuffle_i32x4(kAll, u0, u1, 0xDD);
  out[2] = _mm512_maskz_shuffle_i32x4(kAll, u2, u3, 0x88);
  out[3] = _mm512_maskz_shuffle_i32x4(kAll, u2, u3, 0xDD);
}

// Vector v of a whole block row of 4 into C transposed: r0..r3 are rows 0..3's accumulators of
// vector v in interleave4's lane order; 4x4 transposes within 128-bit lanes give, per column, its 4
// rows' values as one 16-byte store (lane L of out[t] is column 16L + 4v + t).
inline void store_transposed4(int v, __m512i r0, __m512i r1, __m512i r2, __m512i r3, int64_t n, int32_t* c,
                              int64_t ldc) {
  const __m512i t0 = _mm512_maskz_unpacklo_epi32(kAll, r0, r1), t1 = _mm512_maskz_unpackhi_epi32(kAll, r0, r1);
  const __m512i t2 = _mm512_maskz_unpacklo_epi32(kAll, r2, r3), t3 = _mm512_maskz_unpackhi_epi32(kAll, r2, r3);
  const __m512i out[4] = {
      _mm512_maskz_unpacklo_epi64(kAll8, t0, t2), _mm512_maskz_unpackhi_epi64(kAll8, t0, t2),
      _mm512_maskz_unpacklo_epi64(kAll8, t1, t3), _mm512_maskz_unpackhi_epi64(kAll8, t1, t3)};
  for (int t = 0; t < 4; ++t) {
    for (int lane = 0; lane < 4; ++lane) {
      const int64_t j = 16 * lane + 4 * v + t;
      if (j >= n) continue;
      __m128i chunk;
      switch (lane) {  // the lane index must be a constant
        case 0: chunk = _mm512_maskz_extracti32x4_epi32(kAll4, out[t], 0); break;
        case 1: chunk = _mm512_maskz_extracti32x4_epi32(kAll4, out[t], 1); break;
        case 2: chunk = _mm512_maskz_extracti32x4_epi32(kAll4, out[t], 2); break;
        default: chunk = _mm512_maskz_extracti32x4_epi32(kAll4, out[t], 3); break;
      }
      _mm_storeu_si128(reinterpret_cast<__m128i*>(c + j * ldc), chunk);
    }
  }
}

template <int MR>
void qspmm_tile(const QSpmmParams& p) {
  const GroupSparseMatrix& a = *p.a;
  const __mmask64 columns = p.n >= 64 ? ~__mmask64{0} : (__mmask64{1} << p.n) - 1;
  const int64_t base = p.block_row_begin * MR;
  const int32_t* cols = a.group_col.data();
  const int8_t* w = a.values.data();
  for (int64_t rb = p.block_row_begin; rb < p.block_row_end; ++rb) {
    const int64_t r0 = rb * MR, rows = std::min<int64_t>(MR, a.rows - r0);
    // Every loop over acc is unrolled (the pragmas) so it is indexed by constants only: GCC keeps a
    // register array in registers only then.
    __m512i acc[MR][4];
#pragma GCC unroll 4
    for (int i = 0; i < MR; ++i) {
      const __m512i start = _mm512_set1_epi32(p.init[r0 + std::min<int64_t>(i, rows - 1)]);
#pragma GCC unroll 4
      for (int v = 0; v < 4; ++v) acc[i][v] = start;
    }
    for (int32_t g = a.group_begin[rb]; g < a.group_begin[rb + 1]; ++g) {
      const int32_t* c4 = cols + 4 * static_cast<int64_t>(g);
      __m512i q[4];
      interleave4(_mm512_maskz_loadu_epi8(columns, qspmm_b_row(p, c4[0])),
                  _mm512_maskz_loadu_epi8(columns, qspmm_b_row(p, c4[1])),
                  _mm512_maskz_loadu_epi8(columns, qspmm_b_row(p, c4[2])),
                  _mm512_maskz_loadu_epi8(columns, qspmm_b_row(p, c4[3])), q);
      const int8_t* wg = w + static_cast<int64_t>(g) * MR * 4;
#pragma GCC unroll 4
      for (int i = 0; i < MR; ++i) {
        int32_t word;
        std::memcpy(&word, wg + 4 * i, sizeof word);
        const __m512i wi = _mm512_set1_epi32(word);
#pragma GCC unroll 4
        for (int v = 0; v < 4; ++v) acc[i][v] = _mm512_dpbusd_epi32(acc[i][v], q[v], wi);
      }
    }
    if constexpr (MR == 4) {
      if (p.transposed_c && rows == 4) {
#pragma GCC unroll 4
        for (int v = 0; v < 4; ++v) {
          store_transposed4(v, acc[0][v], acc[1][v], acc[2][v], acc[3][v], p.n, p.c + (r0 - base), p.ldc);
        }
        continue;
      }
    }
#pragma GCC unroll 4
    for (int i = 0; i < MR; ++i) {
      if (i >= rows) break;
      __m512i out[4];
      deinterleave(acc[i][0], acc[i][1], acc[i][2], acc[i][3], out);
      if (p.transposed_c) {
        alignas(64) int32_t row[64];
        for (int v = 0; v < 4; ++v) _mm512_store_si512(row + 16 * v, out[v]);
        for (int64_t j = 0; j < p.n; ++j) p.c[j * p.ldc + (r0 + i - base)] = row[j];
        continue;
      }
      int32_t* crow = p.c + (r0 + i - base) * p.ldc;
      for (int v = 0; v < 4; ++v) {
        const int64_t left = p.n - 16 * v;
        if (left <= 0) break;
        const __mmask16 lanes = left >= 16 ? __mmask16{0xFFFF} : static_cast<__mmask16>((1u << left) - 1);
        _mm512_mask_storeu_epi32(crow + 16 * v, lanes, out[v]);
      }
    }
  }
}

}  // namespace

void qs8_spmm_1x64__avx512vnni(const QSpmmParams& p) { qspmm_tile<1>(p); }
void qs8_spmm_2x64__avx512vnni(const QSpmmParams& p) { qspmm_tile<2>(p); }
void qs8_spmm_4x64__avx512vnni(const QSpmmParams& p) { qspmm_tile<4>(p); }

}  // namespace edgerun::kernels::x86
