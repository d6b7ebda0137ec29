// Depthwise u8 x s8 microkernels for AVX-512 VNNI: 16 lanes, one vpdpwssd per pair of taps.
#include <immintrin.h>

#include "kernels/x86/qdwconv/qdwconv.h"
#include "kernels/x86/qdwconv/qdwconv_plane.h"

namespace edgerun::kernels::x86 {

namespace {

struct I32x16 {
  using Reg = __m512i;
  static constexpr int64_t kLanes = 16;
  static Reg set1(int32_t v) { return _mm512_set1_epi32(v); }
  static Reg load(const int32_t* p) { return _mm512_loadu_si512(p); }
  static Reg dot(Reg acc, Reg x, Reg w) { return _mm512_dpwssd_epi32(acc, x, w); }
  static void store(int32_t* p, Reg v) { _mm512_storeu_si512(p, v); }
  static void store_float(float* y, const float* residual, Reg acc, float scale, float min, float max,
                          int64_t lanes) {
    const __mmask16 m = static_cast<__mmask16>(lanes >= 16 ? 0xFFFF : (1u << lanes) - 1);
    // The maskz forms, all lanes on, are the plain instructions; the unmasked intrinsics trip GCC 12's
    // -Wmaybe-uninitialized.
    constexpr __mmask16 kAll = 0xFFFF;
    __m512 v = _mm512_mul_ps(_mm512_maskz_cvtepi32_ps(kAll, acc), _mm512_set1_ps(scale));
    __asm__("" : "+v"(v));  // keeps the product rounded: no FMA contraction with the add
    if (residual != nullptr) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, residual));
    // max(bound, v) and min(bound, v) return v when it is NaN, as std::max(v, bound) does.
    v = _mm512_maskz_min_ps(kAll, _mm512_set1_ps(max), _mm512_maskz_max_ps(kAll, _mm512_set1_ps(min), v));
    _mm512_mask_storeu_ps(y, m, v);
  }
};

}  // namespace

void qs8_dwconv2d_pack__avx512vnni(const QDwConvPackArgs& a) { qdwconv_pack(a); }
void qs8_dwconv2d_chw__avx512vnni(const QDwConvPlaneArgs& a) { qdwconv_plane<I32x16, 4>(a); }

}  // namespace edgerun::kernels::x86
