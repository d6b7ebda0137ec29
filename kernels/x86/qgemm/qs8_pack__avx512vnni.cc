// AVX-512 packing for the c4 tiles: 16 columns at a time, 4 rows interleaved by byte unpacks (B
// stored [k, n]) or one 32-bit gather per k-group (B stored [n, k]); column sums by vpdpbusd with
// ones, row sums by vpsadbw.
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

// Columns [c, c + 16) of B stored [n, k]: column j's group q is the 32-bit word at b + j * stride + 4q.
void pack_columns(const QPackBParams& p, int64_t c, __mmask16 mask, __m512i& colsum) {
  const __m512i flip = _mm512_set1_epi8(p.flip ? static_cast<char>(0x80) : 0);
  const __m512i ones = _mm512_set1_epi8(1);
  const int64_t full = p.k / 4, tail = p.k % 4;
  const uint8_t* base = p.b + c * p.stride;
  // 32-bit gather offsets: one column block's rows must lie within 2 GiB (else word by word).
  const bool gather = 15 * p.stride < (int64_t{1} << 31) - 64;
  const __m512i index = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                           _mm512_set1_epi32(static_cast<int32_t>(gather ? p.stride : 0)));
  for (int64_t q = 0; q <= full; ++q) {
    if (q == full && tail == 0) break;
    __m512i w;
    if (q < full && gather) {
      w = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), mask, index, base + 4 * q, 1);
    } else {
      alignas(64) int32_t words[16] = {};
      const size_t bytes = q < full ? 4 : static_cast<size_t>(tail);
      for (int64_t j = 0; j < 16; ++j) {
        if ((mask >> j) & 1) std::memcpy(&words[j], base + j * p.stride + 4 * q, bytes);
      }
      w = _mm512_load_si512(words);
    }
    // Flip only the bytes that exist: past k and cols they stay zero.
    const int32_t lane_bytes = q < full ? -1 : static_cast<int32_t>((uint32_t{1} << (8 * tail)) - 1);
    w = _mm512_xor_si512(w, _mm512_and_si512(flip, _mm512_maskz_set1_epi32(mask, lane_bytes)));
    _mm512_storeu_si512(p.dst + q * p.nr * 4 + c * 4, w);
    colsum = _mm512_dpbusd_epi32(colsum, ones, w);
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
      pack_columns(p, c, mask, colsum);
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
