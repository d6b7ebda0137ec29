// AVX-512 VNNI conv2d tiles: vpdpbusd multiplies 4 uint8 activations of a pixel (one 32-bit lane of
// the panel) by 4 int8 weights of a row (one 32-bit broadcast) and adds them to the lane's int32
// accumulator, exactly. MR * NV accumulators; pixel tails are masked.
#include <immintrin.h>

#include <cstring>

#include "kernels/x86/qconv/qs8_conv2d.h"

namespace edgerun::kernels::x86 {

namespace {

// maskz_ forms with every lane: GCC 12 warns on the unmasked ones (their _mm512_undefined_*).
constexpr __mmask8 kAll = 0xFF;
constexpr __mmask16 kAll16 = 0xFFFF;
constexpr __mmask32 kAll32 = 0xFFFFFFFF;
constexpr __mmask64 kAll64 = ~__mmask64{0};

// Lanes [first, first + count) of 16, count >= 1.
inline __mmask16 run_mask(int64_t first, int64_t count) {
  return static_cast<__mmask16>(((1u << count) - 1) << first);
}

// Lanes [first, first + count) of 64, count >= 1.
inline __mmask64 run_mask64(int64_t first, int64_t count) {
  return (count == 64 ? ~uint64_t{0} : ((uint64_t{1} << count) - 1)) << first;
}

// requantize() of the even int32 lanes of acc, as int64 lanes, with zero point and clamp (the same
// steps as qs8_requantize__avx512vnni, with one row's scale in every lane).
inline __m512i requantize_half(__m512i acc, __m512i multiplier, __m512i shift, __m512i half, __m512i zp, __m512i lo,
                               __m512i hi) {
  const __m512i p = _mm512_maskz_mul_epi32(kAll, acc, multiplier);  // signed 32 x 32 -> 64
  // (p + half - (p < 0)) >> shift, arithmetic: ties away from zero.
  const __m512i r = _mm512_maskz_srav_epi64(
      kAll, _mm512_maskz_add_epi64(kAll, _mm512_maskz_add_epi64(kAll, p, half), _mm512_maskz_srai_epi64(kAll, p, 63)),
      shift);
  return _mm512_maskz_min_epi64(kAll, _mm512_maskz_max_epi64(kAll, _mm512_maskz_add_epi64(kAll, r, zp), lo), hi);
}

// requantize() of the 16 lanes of acc before the clamp, for a row whose shift s >= 33 (every scale
// below 1/4): r is sign(acc) * floor((|acc| * m + 2^(s-1)) / 2^s) (the reference's ties away from
// zero), and as 2^(s-1) is a multiple of 2^32 only the high half H of |acc| * m matters:
// r = (H + 2^(s-33)) >> (s-32), which fits 30 bits, so sign and zero point are 32-bit.
inline __m512i requantize_high(__m512i acc, __m512i multiplier, __m128i shift, __m512i half, __m512i zp) {
  const __m512i a = _mm512_maskz_abs_epi32(kAll16, acc);  // |INT32_MIN| is 2^31 as unsigned
  const __m512i even = _mm512_maskz_mul_epu32(kAll, a, multiplier);
  const __m512i odd = _mm512_maskz_mul_epu32(kAll, _mm512_maskz_srli_epi64(kAll, a, 32), multiplier);
  // High dwords: lane 2i from even's dword 2i + 1, lane 2i + 1 from odd's.
  const __m512i high = _mm512_mask_shuffle_epi32(odd, 0x5555, even, _MM_PERM_DDBB);
  const __m512i r = _mm512_maskz_srl_epi32(kAll16, _mm512_maskz_add_epi32(kAll16, high, half), shift);
  return _mm512_mask_sub_epi32(_mm512_maskz_add_epi32(kAll16, zp, r), _mm512_movepi32_mask(acc), zp, r);
}

// The output stage of rows [0, p.mr) of a tile of NV vectors a row (row i at acc + i * 16 * NV),
// pixels [0, p.nr): a row's vectors of int32 requantized, packed with signed saturation to bytes (the
// clamp to [0, 255]), then clamped to [lo, hi] as bytes and stored by the tile's runs of output
// pixels (found once for all rows). kHigh: every row's shift is >= 33, so no row needs a test;
// kWhole: the tile is whole and not on a grid, one store a row.
// Everything read from p is copied to locals first: the uint8 stores may alias it, which would
// reload it.
template <int NV, bool kHigh, bool kWhole>
__attribute__((noinline)) void store_rows_u8(const QConvUkernelParams& p, const int32_t* acc) {
  static_assert(NV <= 4, "one 64-byte store per row");
  const int64_t mr = p.mr, nr = p.nr, ldy = p.ldy;
  int64_t run_offset[64];
  __mmask64 run_lanes[64];
  int runs = 0;
  if (!kWhole) {
    for_each_output_run(p, 0, nr, [&](int64_t offset, int64_t first, int64_t count) {
      run_offset[runs] = offset;
      run_lanes[runs++] = run_mask64(first, count);
    });
  }
  const int32_t* multiplier = p.multiplier;
  const int32_t* shift = p.shift;
  // The 64-bit path clamps to [0, 255] before packing: its int64 results need not fit int32.
  const __m512i zp = _mm512_set1_epi64(p.zero_point), lo = _mm512_setzero_si512(), hi = _mm512_set1_epi64(255);
  const __m512i zp32 = _mm512_set1_epi32(p.zero_point);
  const __m512i lo8 = _mm512_set1_epi8(static_cast<char>(p.lo)), hi8 = _mm512_set1_epi8(static_cast<char>(p.hi));
  // packs / packus work within 128-bit lanes: lane k holds dwords 4k..4k+3 of vectors 0, 1, 2, 3.
  const __m512i order = _mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1, 12, 8, 4, 0);
  uint8_t* y = static_cast<uint8_t*>(p.y);
  for (int64_t i = 0; i < mr; ++i) {
    const __m512i mult = _mm512_set1_epi64(multiplier[i]);
    const bool high = kHigh || shift[i] >= 33;
    const __m128i s_high = _mm_cvtsi32_si128(shift[i] - 32);
    const __m512i half_high = _mm512_set1_epi32(high ? 1 << (shift[i] - 33) : 0);
    __m512i v[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512()};
#pragma GCC unroll 4
    for (int k = 0; k < NV; ++k) {
      if (!kWhole && 16 * k >= nr) break;
      const __m512i a = _mm512_load_si512(acc + (i * NV + k) * 16);
      if (high) {
        v[k] = requantize_high(a, mult, s_high, half_high, zp32);
      } else {
        const __m512i s = _mm512_set1_epi64(shift[i]), half = _mm512_set1_epi64(int64_t{1} << (shift[i] - 1));
        const __m512i even = requantize_half(a, mult, s, half, zp, lo, hi);
        const __m512i odd = requantize_half(_mm512_maskz_srli_epi64(kAll, a, 32), mult, s, half, zp, lo, hi);
        v[k] = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_maskz_slli_epi64(kAll, odd, 32));
      }
    }
    const __m512i packed = _mm512_maskz_packus_epi16(kAll64, _mm512_maskz_packs_epi32(kAll32, v[0], v[1]),
                                                     _mm512_maskz_packs_epi32(kAll32, v[2], v[3]));
    const __m512i out = _mm512_maskz_min_epu8(
        kAll64, _mm512_maskz_max_epu8(kAll64, _mm512_maskz_permutexvar_epi32(kAll16, order, packed), lo8), hi8);
    if (kWhole) {
      _mm512_mask_storeu_epi8(y + i * ldy, run_mask64(0, 16 * NV), out);
    } else {
      for (int r = 0; r < runs; ++r) _mm512_mask_storeu_epi8(y + i * ldy + run_offset[r], run_lanes[r], out);
    }
  }
}

template <int NV>
void store_tile_u8(const QConvUkernelParams& p, const int32_t* acc) {
  bool high = true;
  for (int64_t i = 0; i < p.mr && high; ++i) high = p.shift[i] >= 33;
  if (!high) return store_rows_u8<NV, false, false>(p, acc);
  if (p.nr == 16 * NV && p.grid_w == 0) return store_rows_u8<NV, true, true>(p, acc);
  store_rows_u8<NV, true, false>(p, acc);
}

// float(acc) * scale + residual, clamped as std::min(std::max(v, min), max). The empty asm keeps the
// product rounded on its own: the compiler must not contract mul + add into an FMA.
__attribute__((noinline)) void store_tile_f32(const QConvUkernelParams& p, const int32_t* acc, int64_t ld) {
  const int64_t mr = p.mr, nr = p.nr, ldy = p.ldy;
  const __m512 lo = _mm512_set1_ps(p.min), hi = _mm512_set1_ps(p.max);
  const float* residual = p.residual;
  float* y = static_cast<float*>(p.y);
  for (int64_t i = 0; i < mr; ++i) {
    const __m512 scale = _mm512_set1_ps(p.scale[i]);
    for (int64_t j = 0; j < nr; j += 16) {
      __m512 v = _mm512_mul_ps(_mm512_maskz_cvtepi32_ps(kAll16, _mm512_load_si512(acc + i * ld + j)), scale);
      __asm__("" : "+v"(v));
      for_each_output_run(p, j, nr - j < 16 ? nr - j : 16, [&](int64_t offset, int64_t first, int64_t count) {
        const __mmask16 mask = run_mask(first, count);
        __m512 u = v;
        if (residual != nullptr) u = _mm512_add_ps(u, _mm512_maskz_loadu_ps(mask, residual + i * ldy + offset));
        u = _mm512_maskz_min_ps(kAll16, hi, _mm512_maskz_max_ps(kAll16, lo, u));
        _mm512_mask_storeu_ps(y + i * ldy + offset, mask, u);
      });
    }
  }
}

template <int MR, int NV>
void conv_tile(const QConvUkernelParams& p) {
  if constexpr (NV > 1) {  // a tail panel that fits fewer vectors: skip the empty ones
    if (p.nr <= 16 * (NV - 1)) return conv_tile<MR, NV - 1>(p);
  }
  __m512i acc[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    const __m512i start = _mm512_set1_epi32(p.init[i]);
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i][v] = start;
  }
  const int8_t* w = static_cast<const int8_t*>(p.w);
  const uint8_t* x0 = static_cast<const uint8_t*>(p.x);
  for (int64_t g = 0; g < p.groups; ++g) {
    const uint8_t* x = x0 + p.x_offsets[g];
    __m512i xv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) xv[v] = _mm512_loadu_si512(x + 64 * v);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      int32_t word;
      std::memcpy(&word, w + 4 * i, sizeof(word));
      const __m512i wi = _mm512_set1_epi32(word);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_dpbusd_epi32(acc[i][v], xv[v], wi);
    }
    w += 4 * MR;
  }
  // Through memory to the output stage: with it inlined here, GCC shuffles the accumulators between
  // registers and the stack inside the depth loop.
  alignas(64) int32_t tile[MR * NV * 16];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) _mm512_store_si512(tile + (i * NV + v) * 16, acc[i][v]);
  }
  if (p.float_output) {
    store_tile_f32(p, tile, NV * 16);
  } else {
    store_tile_u8<NV>(p, tile);
  }
}

}  // namespace

void qs8_conv2d_8x32c4__avx512vnni(const QConvUkernelParams& p) { conv_tile<8, 2>(p); }
void qs8_conv2d_4x64c4__avx512vnni(const QConvUkernelParams& p) { conv_tile<4, 4>(p); }
void qs8_conv2d_6x64c4__avx512vnni(const QConvUkernelParams& p) { conv_tile<6, 4>(p); }
void qs8_conv2d_12x32c4__avx512vnni(const QConvUkernelParams& p) { conv_tile<12, 2>(p); }

void qs8_conv2d_store_tile__avx512vnni(const QConvUkernelParams& p, const int32_t* tile) {
  if (p.float_output) {
    store_tile_f32(p, tile, 64);
  } else {
    store_tile_u8<4>(p, tile);
  }
}

namespace {

// Any stride: plain loop.
void interleave_c4_strided(const uint8_t* const* rows, int64_t n, int64_t stride, void* out) {
  const uint8_t *r0 = rows[0], *r1 = rows[1], *r2 = rows[2], *r3 = rows[3];
  uint32_t* o = static_cast<uint32_t*>(out);
  for (int64_t j = 0; j < n; ++j) {
    const int64_t i = j * stride;
    o[j] = static_cast<uint32_t>(r0[i]) | static_cast<uint32_t>(r1[i]) << 8 | static_cast<uint32_t>(r2[i]) << 16 |
           static_cast<uint32_t>(r3[i]) << 24;
  }
}

// Pixels [0, count) of a row with stride kStride (1 or 2), count <= 64 (kWhole: 64), reading only
// their bytes; stride 2 keeps the even bytes of 128.
template <int kStride, bool kWhole>
inline __m512i load_pixels(const uint8_t* row, int64_t count) {
  if constexpr (kStride == 1) {
    return kWhole ? _mm512_loadu_si512(row) : _mm512_maskz_loadu_epi8(run_mask64(0, count), row);
  } else {
    const int64_t bytes = kWhole ? 127 : 2 * count - 1;
    const __m512i lo =
        kWhole ? _mm512_loadu_si512(row) : _mm512_maskz_loadu_epi8(run_mask64(0, bytes < 64 ? bytes : 64), row);
    const __m512i hi =
        bytes > 64 ? _mm512_maskz_loadu_epi8(run_mask64(0, bytes - 64), row + 64) : _mm512_setzero_si512();
    return _mm512_maskz_inserti64x4(kAll, _mm512_castsi256_si512(_mm512_maskz_cvtepi16_epi8(kAll32, lo)),
                                    _mm512_maskz_cvtepi16_epi8(kAll32, hi), 1);
  }
}

// 64 pixels (kWhole) or count < 64 from pixel j of the rows with stride kStride (1 or 2): bytes, then
// words of the 4 rows interleaved within 128-bit lanes give vectors X_k whose lane L holds pixels
// 16L + 4k .. 16L + 4k + 3; a 4x4 transpose of the lanes puts pixels 16m .. 16m + 15 in vector m.
template <int kStride, bool kWhole>
inline void interleave_block(const uint8_t* const* rows, int64_t j, int64_t count, uint8_t* out) {
  const __m512i a = load_pixels<kStride, kWhole>(rows[0] + j * kStride, count);
  const __m512i b = load_pixels<kStride, kWhole>(rows[1] + j * kStride, count);
  const __m512i c = load_pixels<kStride, kWhole>(rows[2] + j * kStride, count);
  const __m512i d = load_pixels<kStride, kWhole>(rows[3] + j * kStride, count);
  const __m512i ab_lo = _mm512_maskz_unpacklo_epi8(kAll64, a, b), ab_hi = _mm512_maskz_unpackhi_epi8(kAll64, a, b);
  const __m512i cd_lo = _mm512_maskz_unpacklo_epi8(kAll64, c, d), cd_hi = _mm512_maskz_unpackhi_epi8(kAll64, c, d);
  const __m512i x0 = _mm512_maskz_unpacklo_epi16(kAll32, ab_lo, cd_lo);
  const __m512i x1 = _mm512_maskz_unpackhi_epi16(kAll32, ab_lo, cd_lo);
  const __m512i x2 = _mm512_maskz_unpacklo_epi16(kAll32, ab_hi, cd_hi);
  const __m512i x3 = _mm512_maskz_unpackhi_epi16(kAll32, ab_hi, cd_hi);
  // Lanes (0, 1) of x0 and x1, (0, 1) of x2 and x3, then (2, 3) of each pair.
  const __m512i t0 = _mm512_maskz_shuffle_i64x2(kAll, x0, x1, 0x44),
                t1 = _mm512_maskz_shuffle_i64x2(kAll, x2, x3, 0x44);
  const __m512i t2 = _mm512_maskz_shuffle_i64x2(kAll, x0, x1, 0xEE),
                t3 = _mm512_maskz_shuffle_i64x2(kAll, x2, x3, 0xEE);
  const __m512i v[4] = {_mm512_maskz_shuffle_i64x2(kAll, t0, t1, 0x88), _mm512_maskz_shuffle_i64x2(kAll, t0, t1, 0xDD),
                        _mm512_maskz_shuffle_i64x2(kAll, t2, t3, 0x88), _mm512_maskz_shuffle_i64x2(kAll, t2, t3, 0xDD)};
  uint8_t* o = out + 4 * j;
  if constexpr (kWhole) {
#pragma GCC unroll 4
    for (int m = 0; m < 4; ++m) _mm512_storeu_si512(o + 64 * m, v[m]);
  } else {
    for (int m = 0; m < 4 && 16 * m < count; ++m) {
      const int64_t left = count - 16 * m;
      _mm512_mask_storeu_epi32(o + 64 * m, left >= 16 ? kAll16 : run_mask(0, left), v[m]);
    }
  }
}

template <int kStride>
void interleave_c4(const uint8_t* const* rows, int64_t n, void* out) {
  uint8_t* o = static_cast<uint8_t*>(out);
  int64_t j = 0;
  for (; j + 64 <= n; j += 64) interleave_block<kStride, true>(rows, j, 64, o);
  if (j < n) interleave_block<kStride, false>(rows, j, n - j, o);
}

}  // namespace

void qs8_conv2d_interleave_c4__avx512vnni(const uint8_t* const* rows, int64_t n, int64_t stride, void* out) {
  if (stride == 1) return interleave_c4<1>(rows, n, out);
  if (stride == 2) return interleave_c4<2>(rows, n, out);
  interleave_c4_strided(rows, n, stride, out);
}

}  // namespace edgerun::kernels::x86
