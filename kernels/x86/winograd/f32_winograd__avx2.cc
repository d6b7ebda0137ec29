// Winograd microkernels for AVX2 + FMA: 8 tiles per vector, GEMM register tile 6 x 16.
#include <immintrin.h>

#include <algorithm>

#include "kernels/x86/winograd/winograd_ukernels.h"

namespace edgerun::kernels {
namespace {

constexpr int kLanes = 8;
inline void prefetch(const float* p) { _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T0); }
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
inline Vec vmin(Vec a, Vec b) { return {_mm256_min_ps(a.v, b.v)}; }
inline Vec vmax(Vec a, Vec b) { return {_mm256_max_ps(a.v, b.v)}; }

inline __m256i first_n(int n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
inline void vstore_n(float* p, Vec x, int n) { _mm256_maskstore_ps(p, first_n(n), x.v); }

using Mask = __m256i;
inline Mask make_mask(int32_t x, int32_t w, int32_t n) {
  const __m256i cols = _mm256_add_epi32(_mm256_set1_epi32(x), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  const __m256i inside =
      _mm256_and_si256(_mm256_cmpgt_epi32(_mm256_set1_epi32(w), cols), _mm256_cmpgt_epi32(cols, _mm256_set1_epi32(-1)));
  return _mm256_and_si256(inside, first_n(n));
}
inline Vec vload_mask(const float* p, Mask m) { return {_mm256_maskload_ps(p, m)}; }
inline void vstore_mask(float* p, Vec x, Mask m) { _mm256_maskstore_ps(p, m, x.v); }

template <int M>
inline void deinterleave(const Vec* in, Vec* out, int phases);
template <>
inline void deinterleave<2>(const Vec* in, Vec* out, int phases) {
  // shuffle_ps yields groups 0 1 4 5 2 3 6 7; the 64-bit permute puts them in order.
  const __m256 even = _mm256_shuffle_ps(in[0].v, in[1].v, _MM_SHUFFLE(2, 0, 2, 0));
  out[0] = {_mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(even), _MM_SHUFFLE(3, 1, 2, 0)))};
  if (phases > 1) {
    const __m256 odd = _mm256_shuffle_ps(in[0].v, in[1].v, _MM_SHUFFLE(3, 1, 3, 1));
    out[1] = {_mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(odd), _MM_SHUFFLE(3, 1, 2, 0)))};
  }
}
template <>
inline void deinterleave<4>(const Vec* in, Vec* out, int phases) {
  // A 4 x 4 transpose in each 128-bit half yields groups 0 2 4 6 | 1 3 5 7; the permute orders them.
  const __m256 t0 = _mm256_unpacklo_ps(in[0].v, in[1].v), t1 = _mm256_unpackhi_ps(in[0].v, in[1].v);
  const __m256 t2 = _mm256_unpacklo_ps(in[2].v, in[3].v), t3 = _mm256_unpackhi_ps(in[2].v, in[3].v);
  const __m256 r[4] = {
      _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0)), _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2)),
      _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0)), _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2))};
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  for (int p = 0; p < phases; ++p) out[p] = {_mm256_permutevar8x32_ps(r[p], order)};
}

template <int M>
inline void interleave(const Vec* in, Vec* out);
template <>
inline void interleave<2>(const Vec* in, Vec* out) {
  // unpack yields groups 0 1 | 4 5 and 2 3 | 6 7; the 128-bit permutes put them in order.
  const __m256 low = _mm256_unpacklo_ps(in[0].v, in[1].v), high = _mm256_unpackhi_ps(in[0].v, in[1].v);
  out[0] = {_mm256_permute2f128_ps(low, high, 0x20)};
  out[1] = {_mm256_permute2f128_ps(low, high, 0x31)};
}
template <>
inline void interleave<4>(const Vec* in, Vec* out) {
  // A 4 x 4 transpose in each 128-bit half yields groups 0 | 4, 1 | 5, 2 | 6, 3 | 7.
  const __m256 t0 = _mm256_unpacklo_ps(in[0].v, in[1].v), t1 = _mm256_unpackhi_ps(in[0].v, in[1].v);
  const __m256 t2 = _mm256_unpacklo_ps(in[2].v, in[3].v), t3 = _mm256_unpackhi_ps(in[2].v, in[3].v);
  const __m256 g0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0)),
               g1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 g2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0)),
               g3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
  out[0] = {_mm256_permute2f128_ps(g0, g1, 0x20)};
  out[1] = {_mm256_permute2f128_ps(g2, g3, 0x20)};
  out[2] = {_mm256_permute2f128_ps(g0, g1, 0x31)};
  out[3] = {_mm256_permute2f128_ps(g2, g3, 0x31)};
}

#include "kernels/x86/winograd/winograd_ukernels.inc"

}  // namespace

const WinogradUkernels f32_winograd_2x2_6x16__avx2 = winograd_ukernels<2, 6, 2>();
const WinogradUkernels f32_winograd_4x4_6x16__avx2 = winograd_ukernels<4, 6, 2>();

}  // namespace edgerun::kernels
