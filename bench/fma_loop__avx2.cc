#include <immintrin.h>

#include "bench/fma_loop.h"

namespace edgerun::bench {

double fma_loop_f32__avx2(int64_t iterations, float* sink) {
  constexpr int kChains = 12;  // latency 4 x 2 FMA units = 8 in flight; 12 leaves slack (16 ymm registers)
  __m256 acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = _mm256_set1_ps(static_cast<float>(c));
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-6f);  // stays finite and normal
  for (int64_t i = 0; i < iterations; ++i) {
#pragma GCC unroll 12
    for (int c = 0; c < kChains; ++c) acc[c] = _mm256_fmadd_ps(acc[c], a, b);
  }
  __m256 sum = acc[0];
  for (int c = 1; c < kChains; ++c) sum = _mm256_add_ps(sum, acc[c]);
  *sink = _mm256_cvtss_f32(sum);
  return 2.0 * 8 * kChains * static_cast<double>(iterations);
}

}  // namespace edgerun::bench
