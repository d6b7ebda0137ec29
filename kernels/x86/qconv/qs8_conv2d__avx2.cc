// AVX2 conv2d tiles without overflow: vpmaddubsw would saturate its int16 pair sums, so both operands
// are widened to int16 when packed and vpmaddwd adds each pair of products into an int32 lane
// exactly. A pair of weights (one 32-bit broadcast) meets 8 pixels per vector; MR * NV accumulators;
// pixel tails go through stack buffers.
#include <immintrin.h>

#include <cstring>

#include "kernels/x86/qconv/qs8_conv2d.h"

namespace edgerun::kernels::x86 {

namespace {

// requantize() of the even int32 lanes of acc, as int64 lanes, with zero point and clamp (the same
// steps as qs8_requantize__avx2: no arithmetic 64-bit shift, so the sum is offset by 2^63, shifted
// logically and the offset's share 2^(63 - s) taken back off).
inline __m256i requantize_half(__m256i acc, __m256i multiplier, __m256i shift, __m256i half, __m256i offset_share,
                               __m256i zp, __m256i lo, __m256i hi) {
  const __m256i p = _mm256_mul_epi32(acc, multiplier);
  const __m256i negative = _mm256_cmpgt_epi64(_mm256_setzero_si256(), p);
  const __m256i t = _mm256_add_epi64(_mm256_add_epi64(_mm256_add_epi64(p, half), negative),
                                     _mm256_set1_epi64x(static_cast<int64_t>(uint64_t{1} << 63)));
  __m256i r = _mm256_add_epi64(_mm256_sub_epi64(_mm256_srlv_epi64(t, shift), offset_share), zp);
  r = _mm256_blendv_epi8(r, lo, _mm256_cmpgt_epi64(lo, r));
  return _mm256_blendv_epi8(r, hi, _mm256_cmpgt_epi64(r, hi));
}

// The output stage of rows [0, p.mr) of a tile (row i at acc + i * ld), pixels [0, p.nr); tails go
// through stack buffers. Everything read from p is copied to locals first: the uint8 stores may alias
// it, which would reload it.
__attribute__((noinline)) void store_tile_u8(const QConvUkernelParams& p, const int32_t* acc, int64_t ld) {
  const int64_t mr = p.mr, nr = p.nr, ldy = p.ldy;
  const int32_t* multiplier = p.multiplier;
  const int32_t* shift = p.shift;
  const __m256i zp = _mm256_set1_epi64x(p.zero_point), lo = _mm256_set1_epi64x(p.lo), hi = _mm256_set1_epi64x(p.hi);
  // Byte 0 of each int32 to the low 4 bytes of each 128-bit half, then both halves together.
  const __m256i bytes = _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 4, 8, 12, -1,
                                         -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m256i halves = _mm256_setr_epi32(0, 4, 0, 0, 0, 0, 0, 0);
  uint8_t* y = static_cast<uint8_t*>(p.y);
  for (int64_t i = 0; i < mr; ++i) {
    const int64_t s = shift[i];
    const __m256i mult = _mm256_set1_epi64x(multiplier[i]), sv = _mm256_set1_epi64x(s);
    const __m256i half = _mm256_set1_epi64x(int64_t{1} << (s - 1));
    const __m256i share = _mm256_set1_epi64x(int64_t{1} << (63 - s));
    for (int64_t j = 0; j < nr; j += 8) {
      const __m256i a = _mm256_load_si256(reinterpret_cast<const __m256i*>(acc + i * ld + j));
      const __m256i even = requantize_half(a, mult, sv, half, share, zp, lo, hi);
      const __m256i odd = requantize_half(_mm256_srli_epi64(a, 32), mult, sv, half, share, zp, lo, hi);
      const __m256i y32 = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
      const __m128i y8 = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(y32, bytes), halves));
      if (p.grid_w == 0 && nr - j >= 8) {
        _mm_storel_epi64(reinterpret_cast<__m128i*>(y + i * ldy + j), y8);
        continue;
      }
      alignas(8) uint8_t out[8];
      _mm_storel_epi64(reinterpret_cast<__m128i*>(out), y8);
      for_each_output_run(p, j, nr - j < 8 ? nr - j : 8, [&](int64_t offset, int64_t first, int64_t count) {
        std::memcpy(y + i * ldy + offset + first, out + first, static_cast<size_t>(count));
      });
    }
  }
}

// float(acc) * scale + residual, clamped as std::min(std::max(v, min), max). The empty asm keeps the
// product rounded on its own: the compiler must not contract mul + add into an FMA.
__attribute__((noinline)) void store_tile_f32(const QConvUkernelParams& p, const int32_t* acc, int64_t ld) {
  const int64_t mr = p.mr, nr = p.nr, ldy = p.ldy;
  const __m256 lo = _mm256_set1_ps(p.min), hi = _mm256_set1_ps(p.max);
  const float* residual = p.residual;
  float* y = static_cast<float*>(p.y);
  for (int64_t i = 0; i < mr; ++i) {
    const __m256 scale = _mm256_set1_ps(p.scale[i]);
    for (int64_t j = 0; j < nr; j += 8) {
      __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(acc + i * ld + j))),
                               scale);
      __asm__("" : "+x"(v));
      for_each_output_run(p, j, nr - j < 8 ? nr - j : 8, [&](int64_t offset, int64_t first, int64_t count) {
        const size_t bytes = static_cast<size_t>(count) * sizeof(float);
        __m256 u = v;
        if (residual != nullptr) {
          alignas(32) float r[8] = {0, 0, 0, 0, 0, 0, 0, 0};
          std::memcpy(r + first, residual + i * ldy + offset + first, bytes);
          u = _mm256_add_ps(u, _mm256_load_ps(r));
        }
        alignas(32) float out[8];
        _mm256_store_ps(out, _mm256_min_ps(hi, _mm256_max_ps(lo, u)));
        std::memcpy(y + i * ldy + offset + first, out + first, bytes);
      });
    }
  }
}

template <int MR, int NV>
void conv_tile(const QConvUkernelParams& p) {
  __m256i acc[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    const __m256i start = _mm256_set1_epi32(p.init[i]);
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i][v] = start;
  }
  const int16_t* w = static_cast<const int16_t*>(p.w);
  const char* x0 = static_cast<const char*>(p.x);
  for (int64_t g = 0; g < p.groups; ++g) {
    const int16_t* x = reinterpret_cast<const int16_t*>(x0 + p.x_offsets[g]);
    __m256i xv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) xv[v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + 16 * v));
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      int32_t pair;
      std::memcpy(&pair, w + 2 * i, sizeof(pair));
      const __m256i wi = _mm256_set1_epi32(pair);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_add_epi32(acc[i][v], _mm256_madd_epi16(xv[v], wi));
    }
    w += 2 * MR;
  }
  // Through memory to the output stage, which inlined here makes GCC spill in the depth loop.
  alignas(32) int32_t tile[MR * NV * 8];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) _mm256_store_si256(reinterpret_cast<__m256i*>(tile + (i * NV + v) * 8), acc[i][v]);
  }
  if (p.float_output) {
    store_tile_f32(p, tile, NV * 8);
  } else {
    store_tile_u8(p, tile, NV * 8);
  }
}

}  // namespace

void qs8_conv2d_4x24c2__avx2(const QConvUkernelParams& p) { conv_tile<4, 3>(p); }

namespace {

// Plain loop: the compiler vectorizes it with this file's flags (for a constant stride).
template <int64_t kStride>
void interleave_c2(const uint8_t* const* rows, int64_t n, int64_t stride, void* out) {
  const int64_t step = kStride > 0 ? kStride : stride;
  const uint8_t *r0 = rows[0], *r1 = rows[1];
  int16_t* o = static_cast<int16_t*>(out);
  for (int64_t j = 0; j < n; ++j) {
    o[2 * j] = r0[j * step];
    o[2 * j + 1] = r1[j * step];
  }
}

}  // namespace

void qs8_conv2d_interleave_c2__avx2(const uint8_t* const* rows, int64_t n, int64_t stride, void* out) {
  if (stride == 1) return interleave_c2<1>(rows, n, stride, out);
  if (stride == 2) return interleave_c2<2>(rows, n, stride, out);
  interleave_c2<0>(rows, n, stride, out);
}

}  // namespace edgerun::kernels::x86
