// Winograd microkernels for AVX-512: 16 tiles per vector, GEMM register tile 8 x 32.
#include <immintrin.h>

#include <algorithm>

#include "kernels/x86/winograd/winograd_ukernels.h"

namespace edgerun::kernels {
namespace {

constexpr int kLanes = 16;
inline void prefetch(const float* p) { _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T0); }
struct Vec {
  __m512 v;
};
inline Vec vzero() { return {_mm512_setzero_ps()}; }
inline Vec vset1(float x) { return {_mm512_set1_ps(x)}; }
inline Vec vload(const float* p) { return {_mm512_loadu_ps(p)}; }
inline void vstore(float* p, Vec x) { _mm512_storeu_ps(p, x.v); }
inline Vec vadd(Vec a, Vec b) { return {_mm512_add_ps(a.v, b.v)}; }
inline Vec vsub(Vec a, Vec b) { return {_mm512_sub_ps(a.v, b.v)}; }
inline Vec vmul(Vec a, Vec b) { return {_mm512_mul_ps(a.v, b.v)}; }
inline Vec vfma(Vec a, Vec b, Vec c) { return {_mm512_fmadd_ps(a.v, b.v, c.v)}; }
// The all-lanes masked forms: GCC 12's unmasked min/max pass an undefined source that -O3 flags
// as maybe-uninitialized.
inline Vec vmin(Vec a, Vec b) { return {_mm512_mask_min_ps(a.v, 0xFFFF, a.v, b.v)}; }
inline Vec vmax(Vec a, Vec b) { return {_mm512_mask_max_ps(a.v, 0xFFFF, a.v, b.v)}; }

inline void vstore_n(float* p, Vec x, int n) { _mm512_mask_storeu_ps(p, static_cast<__mmask16>((1u << n) - 1), x.v); }

using Mask = __mmask16;
inline Mask make_mask(int32_t x, int32_t w, int32_t n) {
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  // Unsigned compare: negative columns wrap to large values and fail too.
  return _mm512_cmplt_epu32_mask(_mm512_add_epi32(_mm512_set1_epi32(x), lane), _mm512_set1_epi32(w)) &
         _mm512_cmplt_epi32_mask(lane, _mm512_set1_epi32(n));
}
inline Vec vload_mask(const float* p, Mask m) { return {_mm512_maskz_loadu_ps(m, p)}; }
inline void vstore_mask(float* p, Vec x, Mask m) { _mm512_mask_storeu_ps(p, m, x.v); }

template <int M>
inline void deinterleave(const Vec* in, Vec* out, int phases);
template <>
inline void deinterleave<2>(const Vec* in, Vec* out, int phases) {
  for (int p = 0; p < phases; ++p) {
    const __m512i index = _mm512_add_epi32(
        _mm512_set1_epi32(p), _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30));
    out[p] = {_mm512_permutex2var_ps(in[0].v, index, in[1].v)};
  }
}
template <>
inline void deinterleave<4>(const Vec* in, Vec* out, int phases) {
  for (int p = 0; p < phases; ++p) {
    // Both permutes pick phase p of 8 groups into both halves: groups 0-7 from in[0..1], 8-15 from in[2..3].
    const __m512i index = _mm512_add_epi32(_mm512_set1_epi32(p),
                                           _mm512_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28, 0, 4, 8, 12, 16, 20, 24, 28));
    const __m512 low = _mm512_permutex2var_ps(in[0].v, index, in[1].v);
    const __m512 high = _mm512_permutex2var_ps(in[2].v, index, in[3].v);
    out[p] = {_mm512_mask_blend_ps(0xFF00, low, high)};
  }
}

template <int M>
inline void interleave(const Vec* in, Vec* out);
template <>
inline void interleave<2>(const Vec* in, Vec* out) {
  out[0] = {_mm512_permutex2var_ps(in[0].v, _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23),
                                   in[1].v)};
  out[1] = {_mm512_permutex2var_ps(
      in[0].v, _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31), in[1].v)};
}
template <>
inline void interleave<4>(const Vec* in, Vec* out) {
  // Pairs (phase 0, 1) and (2, 3) of each group first, then the pairs joined as 64-bit elements.
  const __m512i low = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i high = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  const __m512d p01[2] = {_mm512_castps_pd(_mm512_permutex2var_ps(in[0].v, low, in[1].v)),
                          _mm512_castps_pd(_mm512_permutex2var_ps(in[0].v, high, in[1].v))};
  const __m512d p23[2] = {_mm512_castps_pd(_mm512_permutex2var_ps(in[2].v, low, in[3].v)),
                          _mm512_castps_pd(_mm512_permutex2var_ps(in[2].v, high, in[3].v))};
  const __m512i first = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11),
                second = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
  for (int h = 0; h < 2; ++h) {
    out[2 * h] = {_mm512_castpd_ps(_mm512_permutex2var_pd(p01[h], first, p23[h]))};
    out[2 * h + 1] = {_mm512_castpd_ps(_mm512_permutex2var_pd(p01[h], second, p23[h]))};
  }
}

#include "kernels/x86/winograd/winograd_ukernels.inc"

}  // namespace

const WinogradUkernels f32_winograd_2x2_8x32__avx512 = winograd_ukernels<2, 8, 2>();
const WinogradUkernels f32_winograd_4x4_8x32__avx512 = winograd_ukernels<4, 8, 2>();

}  // namespace edgerun::kernels
