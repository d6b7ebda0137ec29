#include <immintrin.h>

#include "bench/fma_loop.h"

namespace edgerun::bench {

double fma_loop_f32__avx512(int64_t iterations, float* sink) {
  constexpr int kChains = 24;  // latency 4 x 2 FMA units (Intel) = 8 in flight; 24 of 32 zmm registers
  __m512 acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = _mm512_set1_ps(static_cast<float>(c));
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-6f);  // stays finite and normal
  for (int64_t i = 0; i < iterations; ++i) {
#pragma GCC unroll 24
    for (int c = 0; c < kChains; ++c) acc[c] = _mm512_fmadd_ps(acc[c], a, b);
  }
  __m512 sum = acc[0];
  for (int c = 1; c < kChains; ++c) sum = _mm512_add_ps(sum, acc[c]);
  *sink = _mm512_cvtss_f32(sum);
  return 2.0 * 16 * kChains * static_cast<double>(iterations);
}

}  // namespace edgerun::bench
