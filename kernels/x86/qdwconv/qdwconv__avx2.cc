// Depthwise u8 x s8 microkernels for AVX2, c2 (qdwconv.h): 8 outputs per vector, vpmaddwd + vpaddd per
// pair of horizontal taps.
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

  // int32 into the accumulator plane (requantized afterwards), or float.
  class Out {
   public:
    explicit Out(const QDwConvPlaneArgs& a)
        : a_(a), scale_(_mm256_set1_ps(a.scale)), min_(_mm256_set1_ps(a.min)), max_(_mm256_set1_ps(a.max)) {}
    void store(int64_t oh, int64_t ow, Reg acc) const {
      if (a_.acc != nullptr) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(a_.acc + oh * a_.ld_acc + ow), acc);
        return;
      }
      const int64_t lanes = a_.out_w - ow < kLanes ? a_.out_w - ow : kLanes;
      const int64_t o = oh * a_.out_w + ow;
      const __m256i m =
          _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int32_t>(lanes)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
      __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), scale_);
      __asm__("" : "+x"(v));  // keeps the product rounded: no FMA contraction with the add
      if (a_.residual != nullptr) v = _mm256_add_ps(v, _mm256_maskload_ps(a_.residual + o, m));
      // max(bound, v) and min(bound, v) return v when it is NaN, as std::max(v, bound) does.
      v = _mm256_min_ps(max_, _mm256_max_ps(min_, v));
      _mm256_maskstore_ps(a_.y + o, m, v);
    }

   private:
    const QDwConvPlaneArgs& a_;
    __m256 scale_, min_, max_;
  };
};

}  // namespace

void qs8_dwconv2d_pack_c2__avx2(const QDwConvC2PackArgs& a) { qdwconv_pack_c2(a); }
void qs8_dwconv2d_chw_c2__avx2(const QDwConvPlaneArgs& a) { qdwconv_plane_c2<I32x8, 4>(a); }

}  // namespace edgerun::kernels::x86
