// Depthwise u8 x s8 microkernels for AVX2: 8 lanes, vpmaddwd + vpaddd per pair of taps.
#include <immintrin.h>

#include "kernels/x86/qdwconv/qdwconv.h"
#include "kernels/x86/qdwconv/qdwconv_plane.h"

namespace edgerun::kernels::x86 {

namespace {

struct I32x8 {
  using Reg = __m256i;
  static constexpr int64_t kLanes = 8;
  static Reg set1(int32_t v) { return _mm256_set1_epi32(v); }
  static Reg load(const int32_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  static Reg dot(Reg acc, Reg x, Reg w) { return _mm256_add_epi32(acc, _mm256_madd_epi16(x, w)); }
  static void store(int32_t* p, Reg v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
  static void store_float(float* y, const float* residual, Reg acc, float scale, float min, float max,
                          int64_t lanes) {
    const __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int32_t>(lanes)),
                                         _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), _mm256_set1_ps(scale));
    __asm__("" : "+x"(v));  // keeps the product rounded: no FMA contraction with the add
    if (residual != nullptr) v = _mm256_add_ps(v, _mm256_maskload_ps(residual, m));
    // max(bound, v) and min(bound, v) return v when it is NaN, as std::max(v, bound) does.
    v = _mm256_min_ps(_mm256_set1_ps(max), _mm256_max_ps(_mm256_set1_ps(min), v));
    _mm256_maskstore_ps(y, m, v);
  }
};

}  // namespace

void qs8_dwconv2d_pack__avx2(const QDwConvPackArgs& a) { qdwconv_pack(a); }
void qs8_dwconv2d_chw__avx2(const QDwConvPlaneArgs& a) { qdwconv_plane<I32x8, 4>(a); }

}  // namespace edgerun::kernels::x86
