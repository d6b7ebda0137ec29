// AVX-512 packing for the c4 tiles: 16 columns at a time, 4 rows interleaved by byte unpacks (B
// stored [k, n]) or 16 x 16 transposes of 32-bit words (B stored [n, k]); column sums by vpdpbusd
// with ones, row sums by vpsadbw.
#include <immintrin.h>

#include <cstring>

#include "kernels/x86/qgemm/qs8_pack.h"

namespace edgerun::kernels::x86 {

namespace {

inline __mmask16 mask16(int64_t left) {
  if (left >= 16) return 0xFFFF;
  return left <= 0 ? 0 : static_cast<__mmask16>((1u << left) - 1);
}

// Columns [c, c + 16) of B stored [k, n] (lanes past `cols` zero).
void pack_rows(const QPackBParams& p, int64_t c, __mmask16 mask, __m512i& colsum) {
  const __m128i flip = _mm_set1_epi8(p.flip ? static_cast<char>(0x80) : 0);
  const __m512i ones = _mm512_set1_epi8(1);
  for (int64_t q = 0; q * 4 < p.k; ++q) {
    __m128i r[4];
    for (int e = 0; e < 4; ++e) {
      const int64_t row = 4 * q + e;
      r[e] = row < p.k ? _mm_maskz_mov_epi8(mask, _mm_xor_si128(_mm_maskz_loadu_epi8(mask, p.b + row * p.stride + c), flip))
                       : _mm_setzero_si128();
    }
    const __m128i t0 = _mm_unpacklo_epi8(r[0], r[1]), t1 = _mm_unpackhi_epi8(r[0], r[1]);
    const __m128i t2 = _mm_unpacklo_epi8(r[2], r[3]), t3 = _mm_unpackhi_epi8(r[2], r[3]);
    __m512i w = _mm512_zextsi128_si512(_mm_unpacklo_epi16(t0, t2));      // columns 0-3
    w = _mm512_inserti32x4(w, _mm_unpackhi_epi16(t0, t2), 1);           // 4-7
    w = _mm512_inserti32x4(w, _mm_unpacklo_epi16(t1, t3), 2);           // 8-11
    w = _mm512_inserti32x4(w, _mm_unpackhi_epi16(t1, t3), 3);           // 12-15
    _mm512_storeu_si512(p.dst + q * p.nr * 4 + c * 4, w);
    colsum = _mm512_dpbusd_epi32(colsum, ones, w);
  }
}

// r[i] = row i of a 16 x 16 matrix of 32-bit words; on return r[i] = its column i. maskz_ forms with
// full masks: GCC 12 warns on the unmasked ones (their _mm512_undefined_epi32).
inline void transpose16x16(__m512i (&r)[16]) {
  __m512i t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_maskz_unpacklo_epi32(0xFFFF, r[i], r[i + 1]);
    t[i + 1] = _mm512_maskz_unpackhi_epi32(0xFFFF, r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    r[i] = _mm512_maskz_unpacklo_epi64(0xFF, t[i], t[i + 2]);
    r[i + 1] = _mm512_maskz_unpackhi_epi64(0xFF, t[i], t[i + 2]);
    r[i + 2] = _mm512_maskz_unpacklo_epi64(0xFF, t[i + 1], t[i + 3]);
    r[i + 3] = _mm512_maskz_unpackhi_epi64(0xFF, t[i + 1], t[i + 3]);
  }
  // Now r[4b + e] holds words e of 128-bit lane l of rows 4b..4b+3 in its lane l; gather the lanes.
  for (int i = 0; i < 4; ++i) {
    t[i] = _mm512_maskz_shuffle_i32x4(0xFFFF, r[i], r[4 + i], 0x88);
    t[4 + i] = _mm512_maskz_shuffle_i32x4(0xFFFF, r[i], r[4 + i], 0xDD);
    t[8 + i] = _mm512_maskz_shuffle_i32x4(0xFFFF, r[8 + i], r[12 + i], 0x88);
    t[12 + i] = _mm512_maskz_shuffle_i32x4(0xFFFF, r[8 + i], r[12 + i], 0xDD);
  }
  for (int i = 0; i < 4; ++i) {
    r[i] = _mm512_maskz_shuffle_i32x4(0xFFFF, t[i], t[8 + i], 0x88);
    r[8 + i] = _mm512_maskz_shuffle_i32x4(0xFFFF, t[i], t[8 + i], 0xDD);
    r[4 + i] = _mm512_maskz_shuffle_i32x4(0xFFFF, t[4 + i], t[12 + i], 0x88);
    r[12 + i] = _mm512_maskz_shuffle_i32x4(0xFFFF, t[4 + i], t[12 + i], 0xDD);
  }
}

// Columns [c, c + 16) of B stored [n, k]: each column is a row of 16 k-groups per 64 bytes; 16 such
// rows transposed as 32-bit words give 16 group rows of the panel. Bytes past k and columns past cols
// load as zero (and are not flipped).
void pack_columns(const QPackBParams& p, int64_t c, int64_t cols, __m512i& colsum) {
  const __m512i flip = _mm512_set1_epi8(p.flip ? static_cast<char>(0x80) : 0);
  const __m512i ones = _mm512_set1_epi8(1);
  const int64_t groups = (p.k + 3) / 4;
  for (int64_t k0 = 0; k0 < p.k; k0 += 64) {
    const int64_t left = p.k - k0;
    const __mmask64 bytes = left >= 64 ? ~__mmask64{0} : (__mmask64{1} << left) - 1;
    __m512i r[16];
    for (int64_t j = 0; j < 16; ++j) {
      r[j] = j < cols ? _mm512_maskz_mov_epi8(
                            bytes, _mm512_xor_si512(_mm512_maskz_loadu_epi8(bytes, p.b + (c + j) * p.stride + k0), flip))
                      : _mm512_setzero_si512();
    }
    transpose16x16(r);
    const int64_t q0 = k0 / 4;
    for (int64_t g = 0; g < 16 && q0 + g < groups; ++g) {
      _mm512_storeu_si512(p.dst + (q0 + g) * p.nr * 4 + c * 4, r[g]);
      colsum = _mm512_dpbusd_epi32(colsum, ones, r[g]);
    }
  }
}

}  // namespace

void qs8_pack_b_c4__avx512vnni(const QPackBParams& p) {
  const int64_t groups = (p.k + 3) / 4;
  for (int64_t c = 0; c < p.nr; c += 16) {
    const __mmask16 mask = mask16(p.cols - c);
    __m512i colsum = _mm512_setzero_si512();
    if (mask == 0) {
      for (int64_t q = 0; q < groups; ++q) _mm512_storeu_si512(p.dst + q * p.nr * 4 + c * 4, colsum);
    } else if (p.transposed) {
      pack_columns(p, c, p.cols - c, colsum);
    } else {
      pack_rows(p, c, mask, colsum);
    }
    _mm512_storeu_si512(p.colsum + c, colsum);
  }
}

void qs8_row_sums__avx512vnni(const uint8_t* a, int64_t stride, int64_t rows, int64_t k, int32_t* sum) {
  for (int64_t i = 0; i < rows; ++i) {
    const uint8_t* row = a + i * stride;
    __m512i acc = _mm512_setzero_si512();
    for (int64_t p = 0; p < k; p += 64) {
      const int64_t left = k - p;
      const __mmask64 mask = left >= 64 ? ~__mmask64{0} : (__mmask64{1} << left) - 1;
      acc = _mm512_add_epi64(acc, _mm512_sad_epu8(_mm512_maskz_loadu_epi8(mask, row + p), _mm512_setzero_si512()));
    }
    const __m256i quarter = _mm256_add_epi64(_mm512_maskz_extracti64x4_epi64(0xFF, acc, 0), _mm512_maskz_extracti64x4_epi64(0xFF, acc, 1));
    const __m128i half = _mm_add_epi64(_mm256_castsi256_si128(quarter), _mm256_extracti128_si256(quarter, 1));
    const uint64_t total = static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_add_epi64(half, _mm_unpackhi_epi64(half, half))));
    sum[i] = static_cast<int32_t>(static_cast<uint32_t>(total));
  }
}

}  // namespace edgerun::kernels::x86
