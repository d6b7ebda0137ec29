// 8 floats in a ymm register: the vector type of the templated kernels (dwconv/window_kernel.h,
// sparse/spmm_tiles.h).
// Include only from __avx2.cc files; everything here has internal linkage (anonymous namespace), so
// no AVX2 code is shared with translation units compiled for another ISA.
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace edgerun::kernels::x86 {
namespace {

struct F32x8 {
  using Elem = float;  // what loads read
  using Reg = __m256;
  using Mask = __m256i;  // all ones in the selected lanes
  static constexpr int kLanes = 8;

  static Reg set1(float v) { return _mm256_set1_ps(v); }
  static Reg load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, Reg v) { _mm256_storeu_ps(p, v); }
  // Lanes j with lo <= j < hi (either bound may lie outside [0, 8)).
  static Mask lanes(int64_t lo, int64_t hi) {
    const int64_t l = lo < 0 ? 0 : (lo > kLanes ? kLanes : lo);
    const int64_t h = hi < l ? l : (hi > kLanes ? kLanes : hi);
    const __m256i j = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_andnot_si256(_mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(l)), j),
                               _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(h)), j));
  }
  // Lanes outside m are not read and take `fill`.
  static Reg load(const float* p, Mask m, Reg fill) {
    return _mm256_blendv_ps(fill, _mm256_maskload_ps(p, m), _mm256_castsi256_ps(m));
  }
  static void store(float* p, Reg v, Mask m) { _mm256_maskstore_ps(p, m, v); }
  // p[first + j * stride] for the lanes in m.
  static Reg gather(const float* p, int64_t first, int64_t stride, Mask m, Reg fill) {
    const __m256i index = _mm256_add_epi32(
        _mm256_set1_epi32(static_cast<int>(first)),
        _mm256_mullo_epi32(_mm256_set1_epi32(static_cast<int>(stride)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
    return _mm256_mask_i32gather_ps(fill, p, index, _mm256_castsi256_ps(m), 4);
  }
  // a0 a2 a4 a6 b0 b2 b4 b6: the stride-2 lanes of 16 consecutive floats.
  static Reg evens(Reg a, Reg b) {
    const __m256 mixed = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));  // a0 a2 b0 b2 a4 a6 b4 b6
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(mixed), _MM_SHUFFLE(3, 1, 2, 0)));
  }
  // a1 a3 a5 a7 b1 b3 b5 b7.
  static Reg odds(Reg a, Reg b) {
    const __m256 mixed = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));  // a1 a3 b1 b3 a5 a7 b5 b7
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(mixed), _MM_SHUFFLE(3, 1, 2, 0)));
  }
  // prev7 cur0 .. cur6: the lanes one column to the left.
  static Reg shift_in(Reg prev, Reg cur) {
    const __m256 mid = _mm256_permute2f128_ps(prev, cur, 0x21);  // prev4..7 cur0..3
    return _mm256_castsi256_ps(_mm256_alignr_epi8(_mm256_castps_si256(cur), _mm256_castps_si256(mid), 12));
  }
  // cur1 .. cur7 next0: the lanes one column to the right.
  static Reg shift_out(Reg cur, Reg next) {
    const __m256 mid = _mm256_permute2f128_ps(cur, next, 0x21);  // cur4..7 next0..3
    return _mm256_castsi256_ps(_mm256_alignr_epi8(_mm256_castps_si256(mid), _mm256_castps_si256(cur), 4));
  }
  static Reg fma(Reg a, Reg b, Reg c) { return _mm256_fmadd_ps(a, b, c); }
  static Reg add(Reg a, Reg b) { return _mm256_add_ps(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm256_mul_ps(a, b); }
  static Reg div(Reg a, Reg b) { return _mm256_div_ps(a, b); }
  // max(x, acc) keeps acc when either is NaN, as a running `if (x > acc) acc = x` does.
  static Reg max(Reg a, Reg b) { return _mm256_max_ps(a, b); }
  static Reg min(Reg a, Reg b) { return _mm256_min_ps(a, b); }
  static float reduce_add(Reg v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
  }
  static float reduce_max(Reg v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_max_ss(s, _mm_movehdup_ps(s)));
  }
};

}  // namespace
}  // namespace edgerun::kernels::x86
