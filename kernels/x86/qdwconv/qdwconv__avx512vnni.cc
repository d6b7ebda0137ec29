// Depthwise u8 x s8 microkernel for AVX-512 VNNI, c4 (qdwconv.h): 16 outputs per vector, one
// vpdpbusd per group of 4 horizontal taps; uint8 outputs requantized in registers.
#include <immintrin.h>

#include "kernels/x86/qdwconv/qdwconv.h"
#include "kernels/x86/qdwconv/qdwconv_plane.h"

namespace edgerun::kernels::x86 {

namespace {

// The maskz forms, all lanes on, are the plain instructions; the unmasked intrinsics trip GCC 12's
// -Wmaybe-uninitialized.
constexpr __mmask16 kAll = 0xFFFF;
constexpr __mmask8 kAll64 = 0xFF;

struct I32x16 {
  using Reg = __m512i;
  static constexpr int64_t kLanes = 16;
  static Reg set1(int32_t v) { return _mm512_set1_epi32(v); }

  // uint8 (kernels/qgemm/requantize.h's requantize, bit for bit) or float.
  class Out {
   public:
    explicit Out(const QDwConvPlaneArgs& a)
        : a_(a),
          multiplier_(_mm512_set1_epi64(a.multiplier)),
          half_(_mm512_set1_epi64(int64_t{1} << (a.shift - 1))),
          zero_point_(_mm512_set1_epi64(a.zero_point)),
          lo_(_mm512_set1_epi64(a.lo)),
          hi_(_mm512_set1_epi64(a.hi)),
          shift_(_mm_cvtsi32_si128(a.shift)),
          scale_(_mm512_set1_ps(a.scale)),
          min_(_mm512_set1_ps(a.min)),
          max_(_mm512_set1_ps(a.max)) {}

    void store(int64_t oh, int64_t ow, Reg acc) const {
      const int64_t lanes = a_.out_w - ow < kLanes ? a_.out_w - ow : kLanes;
      const __mmask16 m = static_cast<__mmask16>(lanes >= 16 ? 0xFFFF : (1u << lanes) - 1);
      const int64_t o = oh * a_.out_w + ow;
      if (a_.yq != nullptr) {
        const __m512i even = requantize_even(acc);
        const __m512i odd = requantize_even(_mm512_maskz_srli_epi64(kAll64, acc, 32));
        const __m512i v = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_maskz_slli_epi64(kAll64, odd, 32));
        _mm512_mask_cvtepi32_storeu_epi8(a_.yq + o, m, v);
        return;
      }
      __m512 v = _mm512_mul_ps(_mm512_maskz_cvtepi32_ps(kAll, acc), scale_);
      __asm__("" : "+v"(v));  // keeps the product rounded: no FMA contraction with the add
      if (a_.residual != nullptr) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, a_.residual + o));
      // max(bound, v) and min(bound, v) return v when it is NaN, as std::max(v, bound) does.
      v = _mm512_maskz_min_ps(kAll, max_, _mm512_maskz_max_ps(kAll, min_, v));
      _mm512_mask_storeu_ps(a_.y + o, m, v);
    }

   private:
    // The even int32 lanes of acc requantized as int64 lanes, zero point added, clamped.
    __m512i requantize_even(__m512i acc) const {
      const __m512i p = _mm512_maskz_mul_epi32(kAll64, acc, multiplier_);  // signed 32 x 32 -> 64
      // (p + half - (p < 0)) >> shift, arithmetic: ties away from zero.
      const __m512i r = _mm512_maskz_sra_epi64(
          kAll64, _mm512_add_epi64(_mm512_add_epi64(p, half_), _mm512_maskz_srai_epi64(kAll64, p, 63)), shift_);
      return _mm512_maskz_min_epi64(kAll64, _mm512_maskz_max_epi64(kAll64, _mm512_add_epi64(r, zero_point_), lo_), hi_);
    }

    const QDwConvPlaneArgs& a_;
    __m512i multiplier_, half_, zero_point_, lo_, hi_;
    __m128i shift_;
    __m512 scale_, min_, max_;
  };
};

}  // namespace

void qs8_dwconv2d_chw_c4__avx512vnni(const QDwConvPlaneArgs& a) {
  const int64_t s = a.stride_w;
  const __m512i gather = _mm512_loadu_si512(a.c4_index), shuffle = _mm512_loadu_si512(a.c4_pattern);
  const uint8_t* x = static_cast<const uint8_t*>(a.packed);
  qdwconv_plane<I32x16, 4>(a, [&](int64_t oh, int64_t ow, bool rows) {
    const uint8_t* start = x + oh * a.stride_h * a.row_stride + ow * s;
    const int64_t step = rows ? a.stride_h * a.row_stride : 16 * s;
    return [&, start, step](__m512i acc, int u, int64_t t, __m512i w) {
      const __m512i v = _mm512_loadu_si512(start + a.tap_offset[t] + u * step);
      return _mm512_dpbusd_epi32(acc, _mm512_shuffle_epi8(_mm512_maskz_permutexvar_epi32(kAll, gather, v), shuffle), w);
    };
  });
}

}  // namespace edgerun::kernels::x86
