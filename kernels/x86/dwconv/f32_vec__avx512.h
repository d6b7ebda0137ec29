// 16 floats in a zmm register: the vector type of the templated kernels (dwconv/window_kernel.h,
// sparse/spmm_tiles.h).
// Include only from __avx512.cc files; everything here has internal linkage (anonymous namespace), so
// no AVX-512 code is shared with translation units compiled for another ISA.
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace edgerun::kernels::x86 {
namespace {

struct F32x16 {
  using Elem = float;  // what loads read
  using Reg = __m512;
  using Mask = __mmask16;
  static constexpr int kLanes = 16;

  static Reg set1(float v) { return _mm512_set1_ps(v); }
  static Reg load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, Reg v) { _mm512_storeu_ps(p, v); }
  // Lanes j with lo <= j < hi (either bound may lie outside [0, 16)).
  static Mask lanes(int64_t lo, int64_t hi) {
    const int64_t l = lo < 0 ? 0 : (lo > kLanes ? kLanes : lo);
    const int64_t h = hi < l ? l : (hi > kLanes ? kLanes : hi);
    return static_cast<Mask>(((1u << h) - 1u) & ~((1u << l) - 1u));
  }
  // Lanes outside m are not read and take `fill`.
  static Reg load(const float* p, Mask m, Reg fill) { return _mm512_mask_loadu_ps(fill, m, p); }
  static void store(float* p, Reg v, Mask m) { _mm512_mask_storeu_ps(p, m, v); }
  // p[first + j * stride] for the lanes in m.
  static Reg gather(const float* p, int64_t first, int64_t stride, Mask m, Reg fill) {
    const __m512i index =
        _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(first)),
                         _mm512_mullo_epi32(_mm512_set1_epi32(static_cast<int>(stride)),
                                            _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)));
    return _mm512_mask_i32gather_ps(fill, m, index, p, 4);
  }
  // a0 a2 .. a14 b0 b2 .. b14: the stride-2 lanes of 32 consecutive floats.
  static Reg evens(Reg a, Reg b) {
    const __m512i index = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    return _mm512_permutex2var_ps(a, index, b);
  }
  // a1 a3 .. a15 b1 b3 .. b15.
  static Reg odds(Reg a, Reg b) {
    const __m512i index = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    return _mm512_permutex2var_ps(a, index, b);
  }
  // prev15 cur0 .. cur14: the lanes one column to the left.
  static Reg shift_in(Reg prev, Reg cur) {
    return _mm512_castsi512_ps(
        _mm512_maskz_alignr_epi32(0xFFFF, _mm512_castps_si512(cur), _mm512_castps_si512(prev), 15));
  }
  // cur1 .. cur15 next0: the lanes one column to the right.
  static Reg shift_out(Reg cur, Reg next) {
    return _mm512_castsi512_ps(
        _mm512_maskz_alignr_epi32(0xFFFF, _mm512_castps_si512(next), _mm512_castps_si512(cur), 1));
  }
  static Reg fma(Reg a, Reg b, Reg c) { return _mm512_fmadd_ps(a, b, c); }
  static Reg add(Reg a, Reg b) { return _mm512_add_ps(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm512_mul_ps(a, b); }
  static Reg div(Reg a, Reg b) { return _mm512_div_ps(a, b); }
  // max(x, acc) keeps acc when either is NaN, as a running `if (x > acc) acc = x` does. (The maskz
  // forms, all lanes on, are plain vmaxps / vminps; the unmasked intrinsics trip GCC 12's
  // -Wmaybe-uninitialized on their undefined source operand.)
  static Reg max(Reg a, Reg b) { return _mm512_maskz_max_ps(0xFFFF, a, b); }
  static Reg min(Reg a, Reg b) { return _mm512_maskz_min_ps(0xFFFF, a, b); }
  // Horizontal folds by hand: GCC 12's _mm512_reduce_* trip -Wmaybe-uninitialized as above.
  static float reduce_add(Reg v) {
    const __m256 h = _mm256_add_ps(half<0>(v), half<1>(v));
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
  }
  static float reduce_max(Reg v) {
    const __m256 h = _mm256_max_ps(half<0>(v), half<1>(v));
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_max_ss(s, _mm_movehdup_ps(s)));
  }

 private:
  template <int kHalf>
  static __m256 half(Reg v) {
    return _mm512_maskz_extractf32x8_ps(0xFF, v, kHalf);
  }
};

}  // namespace
}  // namespace edgerun::kernels::x86
