// uint8 element-wise microkernels for AVX2: 8 (conversions, add) or 32 (sums) lanes, tails through
// small buffers (AVX2 has no byte masks).
#include <immintrin.h>

#include <cstring>

#include "kernels/x86/qeltwise/qeltwise_ukernels.h"

namespace edgerun::kernels::x86 {

namespace {

// The low byte of each int32 lane (each in [0, 255]) to the low 8 bytes.
__m128i pack_bytes(__m256i v) {
  const __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  return _mm_packus_epi16(w, w);
}

// Runs body(x8, y8) on whole groups of 8 elements in place, and on the tail through zeroed buffers.
template <typename TX, typename TY, typename Body>
void by_eights(int64_t n, const TX* x, TY* y, Body&& body) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) body(x + i, y + i);
  if (i < n) {
    const size_t left = static_cast<size_t>(n - i);
    alignas(32) TX xb[8] = {};
    alignas(32) TY yb[8] = {};
    std::memcpy(xb, x + i, left * sizeof(TX));
    body(xb, yb);
    std::memcpy(y + i, yb, left * sizeof(TY));
  }
}

}  // namespace

void qu8_quantize__avx2(int64_t n, const float* x, float scale, int32_t zero_point, uint8_t* y) {
  const __m256 s = _mm256_set1_ps(scale), zp = _mm256_set1_ps(static_cast<float>(zero_point));
  const __m256 lo = _mm256_setzero_ps(), hi = _mm256_set1_ps(255.0f);
  by_eights(n, x, y, [&](const float* xs, uint8_t* ys) {
    const __m256 v = _mm256_div_ps(_mm256_loadu_ps(xs), s);
    const __m256 q = _mm256_add_ps(_mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), zp);
    // vmaxps returns its second operand when either is NaN: NaN -> 0, as the reference.
    const __m256 c = _mm256_min_ps(_mm256_max_ps(q, lo), hi);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(ys), pack_bytes(_mm256_cvttps_epi32(c)));
  });
}

void qu8_dequantize__avx2(int64_t n, const uint8_t* x, float scale, int32_t zero_point, float* y) {
  const __m256 s = _mm256_set1_ps(scale), zp = _mm256_set1_ps(static_cast<float>(zero_point));
  by_eights(n, x, y, [&](const uint8_t* xs, float* ys) {
    const __m256 v = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(xs))));
    _mm256_storeu_ps(ys, _mm256_mul_ps(_mm256_sub_ps(v, zp), s));
  });
}

void qu8_vadd__avx2(int64_t n, const uint8_t* a, const uint8_t* b, int32_t b_term, const QAddQuantization& q,
                    uint8_t* y) {
  const __m256i za = _mm256_set1_epi32(q.a_zero_point), zb = _mm256_set1_epi32(q.b_zero_point);
  const __m256i ma = _mm256_set1_epi32(q.a_multiplier), mb = _mm256_set1_epi32(q.b_multiplier);
  const __m256i term = _mm256_set1_epi32(b_term);
  const __m256i half = _mm256_set1_epi32(1 << (q.shift - 1));
  const __m128i shift = _mm_cvtsi32_si128(q.shift);
  const __m256i zy = _mm256_set1_epi32(q.y_zero_point), lo = _mm256_set1_epi32(q.lo), hi = _mm256_set1_epi32(q.hi);
  const auto load8 = [](const uint8_t* p) {
    return _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
  };
  const auto finish = [&](__m256i acc, uint8_t* out) {
    // (acc + half - (acc < 0)) >> shift, arithmetic: ties away from zero.
    const __m256i r =
        _mm256_sra_epi32(_mm256_add_epi32(_mm256_add_epi32(acc, half), _mm256_srai_epi32(acc, 31)), shift);
    const __m256i v = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(r, zy), lo), hi);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out), pack_bytes(v));
  };
  if (b == nullptr) {
    by_eights(n, a, y, [&](const uint8_t* as, uint8_t* ys) {
      finish(_mm256_add_epi32(_mm256_mullo_epi32(_mm256_sub_epi32(load8(as), za), ma), term), ys);
    });
    return;
  }
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i acc = _mm256_add_epi32(_mm256_mullo_epi32(_mm256_sub_epi32(load8(a + i), za), ma),
                                         _mm256_mullo_epi32(_mm256_sub_epi32(load8(b + i), zb), mb));
    finish(acc, y + i);
  }
  if (i < n) {
    const size_t left = static_cast<size_t>(n - i);
    alignas(16) uint8_t ab[8] = {}, bb[8] = {}, yb[8] = {};
    std::memcpy(ab, a + i, left);
    std::memcpy(bb, b + i, left);
    qu8_vadd__avx2(8, ab, bb, b_term, q, yb);
    std::memcpy(y + i, yb, left);
  }
}

void qu8_plane_sums__avx2(int64_t planes, int64_t plane, const uint8_t* x, int32_t* sums) {
  const __m256i zero = _mm256_setzero_si256();
  for (int64_t p = 0; p < planes; ++p) {
    const uint8_t* row = x + p * plane;
    __m256i acc = zero;  // vpsadbw: 4 sums of 8 bytes each, in 64-bit lanes
    int64_t i = 0;
    for (; i + 32 <= plane; i += 32) {
      acc = _mm256_add_epi64(acc, _mm256_sad_epu8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + i)), zero));
    }
    const __m128i h = _mm_add_epi64(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    int64_t sum = _mm_cvtsi128_si64(h) + _mm_extract_epi64(h, 1);
    for (; i < plane; ++i) sum += row[i];
    sums[p] = static_cast<int32_t>(sum);
  }
}

}  // namespace edgerun::kernels::x86
