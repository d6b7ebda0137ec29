// Winograd microkernels for AVX2 + FMA: 8 tiles per vector, GEMM register tile 6 x 16.
#include <immintrin.h>

#include <algorithm>

#include "kernels/x86/winograd/winograd_ukernels.h"

namespace edgerun::kernels {
namespace {

constexpr int kLanes = 8;
struct Vec {
  __m256 v;
};
inline Vec vzero() { return {_mm256_setzero_ps()}; }
inline Vec vset1(float x) { return {_mm256_set1_ps(x)}; }
inline Vec vload(const float* p) { return {_mm256_loadu_ps(p)}; }
inline void vstore(float* p, Vec x) { _mm256_storeu_ps(p, x.v); }
inline Vec vadd(Vec a, Vec b) { return {_mm256_add_ps(a.v, b.v)}; }
inline Vec vsub(Vec a, Vec b) { return {_mm256_sub_ps(a.v, b.v)}; }
inline Vec vmul(Vec a, Vec b) { return {_mm256_mul_ps(a.v, b.v)}; }
inline Vec vfma(Vec a, Vec b, Vec c) { return {_mm256_fmadd_ps(a.v, b.v, c.v)}; }

struct Gather {
  __m256i index;
  __m256 inside;
};
// 0 <= v < limit, as an all-ones lane mask.
inline __m256i in_range(__m256i v, int32_t limit) {
  return _mm256_and_si256(_mm256_cmpgt_epi32(_mm256_set1_epi32(limit), v), _mm256_cmpgt_epi32(v, _mm256_set1_epi32(-1)));
}
inline Gather make_gather(const int32_t* offset, const int32_t* y0, const int32_t* x0, int32_t r, int32_t j, int32_t h,
                          int32_t w) {
  const __m256i y = _mm256_add_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(y0)), _mm256_set1_epi32(r));
  const __m256i x = _mm256_add_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x0)), _mm256_set1_epi32(j));
  const __m256i off = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(offset));
  return {_mm256_add_epi32(off, _mm256_set1_epi32(r * w + j)),
          _mm256_castsi256_ps(_mm256_and_si256(in_range(y, h), in_range(x, w)))};
}
inline Vec vgather(const float* base, const Gather& g) {
  return {_mm256_mask_i32gather_ps(_mm256_setzero_ps(), base, g.index, g.inside, 4)};
}

#include "kernels/x86/winograd/winograd_ukernels.inc"

}  // namespace

const WinogradUkernels f32_winograd_2x2_6x16__avx2 = winograd_ukernels<2, 6, 2>();
const WinogradUkernels f32_winograd_4x4_6x16__avx2 = winograd_ukernels<4, 6, 2>();

}  // namespace edgerun::kernels
