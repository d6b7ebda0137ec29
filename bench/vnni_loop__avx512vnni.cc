#include <immintrin.h>

#include "bench/vnni_loop.h"

namespace edgerun::bench {

double vnni_loop_u8s8__avx512vnni(int64_t iterations, int32_t* sink) {
  constexpr int kChains = 16;  // latency up to 5 x 2 units in flight (GCC spills an array of 24)
  __m512i acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = _mm512_set1_epi32(c);
  const __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-2);
  for (int64_t i = 0; i < iterations; ++i) {
#pragma GCC unroll 16
    for (int c = 0; c < kChains; ++c) acc[c] = _mm512_dpbusd_epi32(acc[c], a, b);
  }
  __m512i sum = acc[0];
  for (int c = 1; c < kChains; ++c) sum = _mm512_add_epi32(sum, acc[c]);
  alignas(64) int32_t lanes[16];
  _mm512_store_si512(lanes, sum);
  *sink = lanes[0];
  return 2.0 * 64 * kChains * static_cast<double>(iterations);  // 64 multiply-adds per instruction
}

}  // namespace edgerun::bench
