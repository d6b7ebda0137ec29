// uint8 element-wise microkernels for AVX-512 (F + BW): 16 (conversions, add) or 64 (sums) lanes,
// tails through masked loads and stores.
#include <immintrin.h>

#include "kernels/x86/qeltwise/qeltwise_ukernels.h"

namespace edgerun::kernels::x86 {

namespace {

// The maskz forms, all lanes on, are the plain instructions; the unmasked intrinsics trip GCC 12's
// -Wmaybe-uninitialized.
constexpr __mmask16 kAll = 0xFFFF;

__mmask16 mask16(int64_t left) { return static_cast<__mmask16>(left >= 16 ? 0xFFFF : (1u << left) - 1); }

}  // namespace

void qu8_quantize__avx512(int64_t n, const float* x, float scale, int32_t zero_point, uint8_t* y) {
  const __m512 s = _mm512_set1_ps(scale), zp = _mm512_set1_ps(static_cast<float>(zero_point));
  const __m512 lo = _mm512_setzero_ps(), hi = _mm512_set1_ps(255.0f);
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 m = mask16(n - i);
    const __m512 v = _mm512_maskz_div_ps(kAll, _mm512_maskz_loadu_ps(m, x + i), s);
    const __m512 q =
        _mm512_add_ps(_mm512_maskz_roundscale_ps(kAll, v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), zp);
    // vmaxps returns its second operand when either is NaN: NaN -> 0, as the reference.
    const __m512 c = _mm512_maskz_min_ps(kAll, _mm512_maskz_max_ps(kAll, q, lo), hi);
    _mm512_mask_cvtepi32_storeu_epi8(y + i, m, _mm512_maskz_cvttps_epi32(kAll, c));
  }
}

void qu8_dequantize__avx512(int64_t n, const uint8_t* x, float scale, int32_t zero_point, float* y) {
  const __m512 s = _mm512_set1_ps(scale), zp = _mm512_set1_ps(static_cast<float>(zero_point));
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 m = mask16(n - i);
    const __m512 v = _mm512_maskz_cvtepi32_ps(kAll, _mm512_maskz_cvtepu8_epi32(kAll, _mm_maskz_loadu_epi8(m, x + i)));
    _mm512_mask_storeu_ps(y + i, m, _mm512_mul_ps(_mm512_sub_ps(v, zp), s));
  }
}

void qu8_vadd__avx512(int64_t n, const uint8_t* a, const uint8_t* b, int32_t b_term, const QAddQuantization& q,
                      uint8_t* y) {
  const __m512i za = _mm512_set1_epi32(q.a_zero_point), zb = _mm512_set1_epi32(q.b_zero_point);
  const __m512i ma = _mm512_set1_epi32(q.a_multiplier), mb = _mm512_set1_epi32(q.b_multiplier);
  const __m512i term = _mm512_set1_epi32(b_term);
  const __m512i half = _mm512_set1_epi32(1 << (q.shift - 1));
  const __m128i shift = _mm_cvtsi32_si128(q.shift);
  const __m512i zy = _mm512_set1_epi32(q.y_zero_point), lo = _mm512_set1_epi32(q.lo), hi = _mm512_set1_epi32(q.hi);
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 m = mask16(n - i);
    const __m512i av = _mm512_maskz_cvtepu8_epi32(kAll, _mm_maskz_loadu_epi8(m, a + i));
    __m512i acc = _mm512_mullo_epi32(_mm512_sub_epi32(av, za), ma);
    if (b != nullptr) {
      const __m512i bv = _mm512_maskz_cvtepu8_epi32(kAll, _mm_maskz_loadu_epi8(m, b + i));
      acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(_mm512_sub_epi32(bv, zb), mb));
    } else {
      acc = _mm512_add_epi32(acc, term);
    }
    // (acc + half - (acc < 0)) >> shift, arithmetic: ties away from zero.
    const __m512i r = _mm512_maskz_sra_epi32(
        kAll, _mm512_add_epi32(_mm512_add_epi32(acc, half), _mm512_maskz_srai_epi32(kAll, acc, 31)), shift);
    const __m512i v = _mm512_maskz_min_epi32(kAll, _mm512_maskz_max_epi32(kAll, _mm512_add_epi32(r, zy), lo), hi);
    _mm512_mask_cvtepi32_storeu_epi8(y + i, m, v);
  }
}

void qu8_plane_sums__avx512(int64_t planes, int64_t plane, const uint8_t* x, int32_t* sums) {
  const __m512i zero = _mm512_setzero_si512();
  for (int64_t p = 0; p < planes; ++p) {
    const uint8_t* row = x + p * plane;
    __m512i acc = zero;  // vpsadbw: 8 sums of 8 bytes each, in 64-bit lanes
    int64_t i = 0;
    for (; i + 64 <= plane; i += 64) acc = _mm512_add_epi64(acc, _mm512_sad_epu8(_mm512_loadu_si512(row + i), zero));
    if (i < plane) {
      const __mmask64 m = (~uint64_t{0}) >> (64 - (plane - i));
      acc = _mm512_add_epi64(acc, _mm512_sad_epu8(_mm512_maskz_loadu_epi8(m, row + i), zero));
    }
    alignas(64) int64_t lanes[8];
    _mm512_store_si512(lanes, acc);
    int64_t sum = 0;
    for (const int64_t v : lanes) sum += v;
    sums[p] = static_cast<int32_t>(sum);
  }
}

}  // namespace edgerun::kernels::x86
