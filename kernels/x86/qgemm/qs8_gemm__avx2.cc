// AVX2 u8 x s8 GEMM tiles without overflow: vpmaddubsw would saturate its int16 pair sums (255 * 127
// * 2 > 32767), so both operands are widened to int16 at pack time and vpmaddwd adds each pair of
// products into an int32 lane exactly. A pair of A (one 32-bit broadcast) meets 8 columns of B per
// vector; MR * NV accumulators; N tails go through a stack buffer.
#include <immintrin.h>

#include <cstring>

#include "kernels/x86/qgemm/qs8_gemm.h"

namespace edgerun::kernels::x86 {

namespace {

template <int MR, int NV>
void qgemm_tile(const QGemmUkernelParams& p) {
  constexpr int kNr = 8 * NV;
  __m256i acc[MR][NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    acc[0][v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.init + 8 * v));
  }
#pragma GCC unroll 16
  for (int i = 1; i < MR; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i][v] = acc[0][v];
  }
  if (p.row_init != nullptr) {
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const __m256i r = _mm256_set1_epi32(p.row_init[i]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_add_epi32(acc[i][v], r);
    }
  }
  const int16_t* a = static_cast<const int16_t*>(p.a);
  const int16_t* b = static_cast<const int16_t*>(p.b);
  for (int64_t g = 0; g < (p.k + 1) / 2; ++g) {
    __m256i bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 16 * v));
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      int32_t pair;
      std::memcpy(&pair, a + 2 * i, sizeof(pair));
      const __m256i ai = _mm256_set1_epi32(pair);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_add_epi32(acc[i][v], _mm256_madd_epi16(ai, bv[v]));
    }
    a += 2 * MR;
    b += 2 * kNr;
  }
  if (p.nr == kNr) {
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      if (i >= p.mr) break;
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(p.c + i * p.ldc + 8 * v), acc[i][v]);
      }
    }
    return;
  }
  alignas(32) int32_t tile[MR][kNr];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) _mm256_store_si256(reinterpret_cast<__m256i*>(&tile[i][8 * v]), acc[i][v]);
  }
  for (int i = 0; i < p.mr; ++i) std::memcpy(p.c + i * p.ldc, tile[i], static_cast<size_t>(p.nr) * sizeof(int32_t));
}

}  // namespace

void qs8_gemm_4x24c2__avx2(const QGemmUkernelParams& p) { qgemm_tile<4, 3>(p); }
void qs8_gemm_1x32c2__avx2(const QGemmUkernelParams& p) { qgemm_tile<1, 4>(p); }

}  // namespace edgerun::kernels::x86

namespace edgerun::kernels::x86 {

namespace {

// The requantized even int32 lanes of acc, as int64 lanes (before the zero point and clamp). AVX2
// has no arithmetic 64-bit shift: the sum is offset by 2^63 to shift it logically, then the offset's
// share 2^(63 - s) is taken back off (exact, s <= 62).
inline __m256i requantize_half(__m256i acc, __m256i multiplier, __m256i shift) {
  const __m256i one = _mm256_set1_epi64x(1);
  const __m256i p = _mm256_mul_epi32(acc, multiplier);  // even lanes, signed 32 x 32 -> 64
  const __m256i s = _mm256_and_si256(shift, _mm256_set1_epi64x(0xFFFFFFFF));
  const __m256i half = _mm256_sllv_epi64(one, _mm256_sub_epi64(s, one));
  const __m256i negative = _mm256_cmpgt_epi64(_mm256_setzero_si256(), p);  // -1 where p < 0
  // p + half - (p < 0) + 2^63, in [0, 2^64) as unsigned: ties away from zero.
  const __m256i t = _mm256_add_epi64(_mm256_add_epi64(_mm256_add_epi64(p, half), negative),
                                     _mm256_set1_epi64x(static_cast<int64_t>(uint64_t{1} << 63)));
  return _mm256_sub_epi64(_mm256_srlv_epi64(t, s), _mm256_sllv_epi64(one, _mm256_sub_epi64(_mm256_set1_epi64x(63), s)));
}

inline __m256i clamp64(__m256i v, __m256i lo, __m256i hi) {
  v = _mm256_blendv_epi8(v, lo, _mm256_cmpgt_epi64(lo, v));
  return _mm256_blendv_epi8(v, hi, _mm256_cmpgt_epi64(v, hi));
}

}  // namespace

void qs8_requantize__avx2(const QRequantParams& p) {
  const __m256i zp = _mm256_set1_epi64x(p.zero_point);
  const __m256i lo = _mm256_set1_epi64x(p.lo), hi = _mm256_set1_epi64x(p.hi);
  // Byte 0 of each int32 to the low 4 bytes of each 128-bit half, then both halves together.
  const __m256i bytes = _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 4, 8, 12, -1,
                                         -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m256i halves = _mm256_setr_epi32(0, 4, 0, 0, 0, 0, 0, 0);
  for (int64_t j = 0; j < p.cols; j += 8) {
    const int64_t cols = p.cols - j < 8 ? p.cols - j : 8;
    alignas(32) int32_t mult_buf[8] = {0, 0, 0, 0, 0, 0, 0, 0}, shift_buf[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    std::memcpy(mult_buf, p.multiplier + j, static_cast<size_t>(cols) * sizeof(int32_t));
    std::memcpy(shift_buf, p.shift + j, static_cast<size_t>(cols) * sizeof(int32_t));
    const __m256i mult = _mm256_load_si256(reinterpret_cast<const __m256i*>(mult_buf));
    const __m256i shift = _mm256_load_si256(reinterpret_cast<const __m256i*>(shift_buf));
    const __m256i mult_odd = _mm256_srli_epi64(mult, 32), shift_odd = _mm256_srli_epi64(shift, 32);
    for (int64_t i = 0; i < p.rows; ++i) {
      const int32_t* src = p.acc + i * p.ld_acc + j;
      uint8_t* dst = p.y + i * p.ldy + j;
      // Whole vectors go straight through; a tail through buffers (no read or write past cols).
      alignas(32) int32_t acc_buf[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      if (cols < 8) std::memcpy(acc_buf, src, static_cast<size_t>(cols) * sizeof(int32_t));
      const __m256i acc = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(cols < 8 ? acc_buf : src));
      const __m256i even = clamp64(_mm256_add_epi64(requantize_half(acc, mult, shift), zp), lo, hi);
      const __m256i odd =
          clamp64(_mm256_add_epi64(requantize_half(_mm256_srli_epi64(acc, 32), mult_odd, shift_odd), zp), lo, hi);
      const __m256i y32 = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
      const __m128i y8 = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(y32, bytes), halves));
      if (cols == 8) {
        _mm_storel_epi64(reinterpret_cast<__m128i*>(dst), y8);
      } else {
        alignas(8) uint8_t out[8];
        _mm_storel_epi64(reinterpret_cast<__m128i*>(out), y8);
        std::memcpy(dst, out, static_cast<size_t>(cols));
      }
    }
  }
}

void qs8_float_out__avx2(const QFloatOutParams& p) {
  const __m256 lo = _mm256_set1_ps(p.min), hi = _mm256_set1_ps(p.max);
  for (int64_t j = 0; j < p.cols; j += 8) {
    const int64_t cols = p.cols - j < 8 ? p.cols - j : 8;
    alignas(32) float scale_buf[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::memcpy(scale_buf, p.scale + j, static_cast<size_t>(cols) * sizeof(float));
    const __m256 scale = _mm256_load_ps(scale_buf);
    for (int64_t i = 0; i < p.rows; ++i) {
      const int32_t* src = p.acc + i * p.ld_acc + j;
      float* dst = p.y + i * p.ldy + j;
      // Whole vectors go straight through; a tail through buffers (no read or write past cols).
      alignas(32) int32_t acc_buf[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      alignas(32) float res_buf[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      if (cols < 8) std::memcpy(acc_buf, src, static_cast<size_t>(cols) * sizeof(int32_t));
      __m256 v = _mm256_mul_ps(
          _mm256_cvtepi32_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(cols < 8 ? acc_buf : src))), scale);
      // An empty asm hides the product from the compiler so that it cannot contract mul + add into an FMA.
      asm("" : "+x"(v));
      if (p.residual != nullptr) {
        const float* r = p.residual + i * p.ld_residual + j;
        if (cols < 8) std::memcpy(res_buf, r, static_cast<size_t>(cols) * sizeof(float));
        v = _mm256_add_ps(v, _mm256_loadu_ps(cols < 8 ? res_buf : r));
      }
      v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);
      if (cols == 8) {
        _mm256_storeu_ps(dst, v);
      } else {
        alignas(32) float out[8];
        _mm256_store_ps(out, v);
        std::memcpy(dst, out, static_cast<size_t>(cols) * sizeof(float));
      }
    }
  }
}

}  // namespace edgerun::kernels::x86
