// Winograd microkernels for AVX-512: 16 tiles per vector, GEMM register tile 8 x 32.
#include <immintrin.h>

#include <algorithm>

#include "kernels/x86/winograd/winograd_ukernels.h"

namespace edgerun::kernels {
namespace {

constexpr int kLanes = 16;
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

struct Gather {
  __m512i index;
  __mmask16 inside;
};
inline Gather make_gather(const int32_t* offset, const int32_t* y0, const int32_t* x0, int32_t r, int32_t j, int32_t h,
                          int32_t w) {
  const __m512i y = _mm512_add_epi32(_mm512_loadu_si512(y0), _mm512_set1_epi32(r));
  const __m512i x = _mm512_add_epi32(_mm512_loadu_si512(x0), _mm512_set1_epi32(j));
  // Unsigned compares: negative coordinates wrap to large values and fail too.
  const __mmask16 inside =
      _mm512_cmplt_epu32_mask(y, _mm512_set1_epi32(h)) & _mm512_cmplt_epu32_mask(x, _mm512_set1_epi32(w));
  return {_mm512_add_epi32(_mm512_loadu_si512(offset), _mm512_set1_epi32(r * w + j)), inside};
}
inline Vec vgather(const float* base, const Gather& g) {
  return {_mm512_mask_i32gather_ps(_mm512_setzero_ps(), g.inside, g.index, base, 4)};
}

#include "kernels/x86/winograd/winograd_ukernels.inc"

}  // namespace

const WinogradUkernels f32_winograd_2x2_8x32__avx512 = winograd_ukernels<2, 8, 2>();
const WinogradUkernels f32_winograd_4x4_8x32__avx512 = winograd_ukernels<4, 8, 2>();

}  // namespace edgerun::kernels
