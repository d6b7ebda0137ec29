// AVX-512 VNNI u8 x s8 GEMM tiles: vpdpbusd multiplies 4 uint8 of A (one 32-bit broadcast) by 4 int8
// of B per 32-bit lane and adds the 4 products to the lane's int32 accumulator, exactly (no
// saturation: |sum| <= 4 * 255 * 128). MR * NV accumulators; N tails are masked stores.
#include <immintrin.h>

#include <cstring>

#include "kernels/x86/qgemm/qs8_gemm.h"

namespace edgerun::kernels::x86 {

namespace {

// The accumulators a GEMM tile has just stored: a whole vector loads unmasked, because a masked load
// does not take its data from the pending store (a stall of tens of cycles per row).
inline __m512i load_acc(const int32_t* acc, __mmask16 mask) {
  return mask == 0xFFFF ? _mm512_loadu_si512(acc) : _mm512_maskz_loadu_epi32(mask, acc);
}

inline __mmask16 tail_mask(int64_t left) {
  if (left >= 16) return 0xFFFF;
  return left <= 0 ? 0 : static_cast<__mmask16>((1u << left) - 1);
}

// One k-group: acc[i][v] += 4 bytes of A's row i from `offset` . B's 4 bytes of columns 16v..16v+15.
// kTail: the depth's last, partial group of `tail` bytes (the rest zero; B is zero there too).
template <int MR, int NV, bool kTail = false, int PF = 0>
__attribute__((always_inline)) inline void qgemm_group(__m512i (&acc)[MR][NV], const uint8_t* const (&rows)[MR],
                                                       int64_t offset, const int8_t* b, int64_t tail = 4) {
  if constexpr (PF > 0) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) _mm_prefetch(reinterpret_cast<const char*>(b + PF + 64 * v), _MM_HINT_T0);
  }
  __m512i bv[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) bv[v] = _mm512_loadu_si512(b + 64 * v);
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    int32_t word = 0;
    std::memcpy(&word, rows[i] + offset, kTail ? static_cast<size_t>(tail) : sizeof(word));
    const __m512i ai = _mm512_set1_epi32(word);
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_dpbusd_epi32(acc[i][v], ai, bv[v]);
  }
}

// KS > 1: KS sets of accumulators take turns over the k-groups (summed at the end), so that a tile of
// few rows still has enough independent vpdpbusd chains to hide their latency.
template <int MR, int NV, int KS = 1, int PF = 0>
void qgemm_tile(const QGemmUkernelParams& p) {
  constexpr int kNr = 16 * NV;
  const int32_t* init = p.init;
  __m512i acc[MR][NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) acc[0][v] = _mm512_loadu_si512(init + 16 * v);
#pragma GCC unroll 16
  for (int i = 1; i < MR; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i][v] = acc[0][v];
  }
  if (p.row_init != nullptr) {
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const __m512i r = _mm512_set1_epi32(p.row_init[i < p.mr ? i : 0]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_add_epi32(acc[i][v], r);
    }
  }
  // Rows past mr repeat the last valid one (computed, never stored), so nothing past A is read.
  const uint8_t* rows[MR];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    rows[i] = static_cast<const uint8_t*>(p.a) + (i < p.mr ? i : p.mr - 1) * p.a_stride;
  }
  const int8_t* b = static_cast<const int8_t*>(p.b);
  const int64_t full = p.k / 4;
  int64_t g = 0;
  if constexpr (KS > 1) {
    __m512i more[KS - 1][MR][NV];
#pragma GCC unroll 4
    for (int s = 0; s < KS - 1; ++s) {
#pragma GCC unroll 16
      for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) more[s][i][v] = _mm512_setzero_si512();
      }
    }
    for (; g + KS <= full; g += KS) {
      qgemm_group<MR, NV, false, PF>(acc, rows, 4 * g, b);
#pragma GCC unroll 4
      for (int s = 0; s < KS - 1; ++s) qgemm_group<MR, NV, false, PF>(more[s], rows, 4 * (g + s + 1), b + 4 * kNr * (s + 1));
      b += 4 * kNr * KS;
    }
#pragma GCC unroll 4
    for (int s = 0; s < KS - 1; ++s) {
#pragma GCC unroll 16
      for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_add_epi32(acc[i][v], more[s][i][v]);
      }
    }
  }
  for (; g < full; ++g) {
    qgemm_group<MR, NV, false, PF>(acc, rows, 4 * g, b);
    b += 4 * kNr;
  }
  if (p.k % 4 != 0) qgemm_group<MR, NV, true>(acc, rows, 4 * full, b, p.k % 4);
  // Whole vectors store unmasked, so that the output stage's loads can take them from the store queue.
  const bool full_width = p.nr == kNr;
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    if (i >= p.mr) break;
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      if (full_width) {
        _mm512_storeu_si512(p.c + i * p.ldc + 16 * v, acc[i][v]);
      } else {
        _mm512_mask_storeu_epi32(p.c + i * p.ldc + 16 * v, tail_mask(p.nr - 16 * v), acc[i][v]);
      }
    }
  }
}

}  // namespace

void qs8_gemm_8x32c4__avx512vnni(const QGemmUkernelParams& p) { qgemm_tile<8, 2>(p); }
void qs8_gemm_4x64c4__avx512vnni(const QGemmUkernelParams& p) { qgemm_tile<4, 4>(p); }
// One row: memory bound (B streams through once); 4 sets of accumulators and B prefetched 4 KiB ahead
// (1x1000x2048 from L3: 100 -> 124 GOP/s; 1x768x768 from L2: 127 -> 150).
void qs8_gemm_1x64c4__avx512vnni(const QGemmUkernelParams& p) { qgemm_tile<1, 4, 4, 4096>(p); }


}  // namespace edgerun::kernels::x86

namespace edgerun::kernels::x86 {

namespace {

// All 8 lanes of 64 bits. maskz_: GCC 12 warns on the unmasked forms (their _mm512_undefined_epi32).
constexpr __mmask8 kAll = 0xFF;

// The requantized even int32 lanes of acc, as int64 lanes (before the zero point and clamp).
inline __m512i requantize_half(__m512i acc, __m512i multiplier, __m512i shift) {
  const __m512i p = _mm512_maskz_mul_epi32(kAll, acc, multiplier);  // even lanes, signed 32 x 32 -> 64
  const __m512i s = _mm512_and_si512(shift, _mm512_set1_epi64(0xFFFFFFFF));
  const __m512i half =
      _mm512_maskz_sllv_epi64(kAll, _mm512_set1_epi64(1), _mm512_maskz_sub_epi64(kAll, s, _mm512_set1_epi64(1)));
  // (p + half - (p < 0)) >> s, arithmetic: ties away from zero.
  return _mm512_maskz_srav_epi64(
      kAll, _mm512_maskz_add_epi64(kAll, _mm512_maskz_add_epi64(kAll, p, half), _mm512_maskz_srai_epi64(kAll, p, 63)),
      s);
}

}  // namespace

void qs8_requantize__avx512vnni(const QRequantParams& p) {
  const __m512i zp = _mm512_set1_epi64(p.zero_point);
  const __m512i lo = _mm512_set1_epi64(p.lo), hi = _mm512_set1_epi64(p.hi);
  for (int64_t j = 0; j < p.cols; j += 16) {
    const __mmask16 mask = tail_mask(p.cols - j);
    const __m512i mult = _mm512_maskz_loadu_epi32(mask, p.multiplier + j);
    const __m512i shift = _mm512_mask_loadu_epi32(_mm512_set1_epi32(1), mask, p.shift + j);
    const __m512i mult_odd = _mm512_maskz_srli_epi64(kAll, mult, 32),
                  shift_odd = _mm512_maskz_srli_epi64(kAll, shift, 32);
    for (int64_t i = 0; i < p.rows; ++i) {
      const __m512i acc = load_acc(p.acc + i * p.ld_acc + j, mask);
      __m512i even = requantize_half(acc, mult, shift);
      __m512i odd = requantize_half(_mm512_maskz_srli_epi64(kAll, acc, 32), mult_odd, shift_odd);
      even = _mm512_maskz_min_epi64(kAll, _mm512_maskz_max_epi64(kAll, _mm512_maskz_add_epi64(kAll, even, zp), lo), hi);
      odd = _mm512_maskz_min_epi64(kAll, _mm512_maskz_max_epi64(kAll, _mm512_maskz_add_epi64(kAll, odd, zp), lo), hi);
      const __m512i y = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_maskz_slli_epi64(kAll, odd, 32));
      _mm512_mask_cvtepi32_storeu_epi8(p.y + i * p.ldy + j, mask, y);
    }
  }
}

void qs8_float_out__avx512vnni(const QFloatOutParams& p) {
  const __m512 lo = _mm512_set1_ps(p.min), hi = _mm512_set1_ps(p.max);
  for (int64_t j = 0; j < p.cols; j += 16) {
    const __mmask16 mask = tail_mask(p.cols - j);
    const __m512 scale = _mm512_maskz_loadu_ps(mask, p.scale + j);
    for (int64_t i = 0; i < p.rows; ++i) {
      // maskz_ forms throughout: GCC 12 warns on the unmasked ones (see kAll).
      const __m512 acc = _mm512_maskz_cvtepi32_ps(mask, load_acc(p.acc + i * p.ld_acc + j, mask));
      // The embedded-rounding form (round to nearest, as the default) is never contracted into an FMA.
      __m512 v = _mm512_maskz_mul_round_ps(mask, acc, scale, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
      if (p.residual != nullptr) {
        v = _mm512_maskz_add_ps(mask, v, _mm512_maskz_loadu_ps(mask, p.residual + i * p.ld_residual + j));
      }
      // max_ps(v, lo) is v > lo ? v : lo; min_ps(v, hi) is v < hi ? v : hi (NaN goes to lo, as the reference).
      _mm512_mask_storeu_ps(p.y + i * p.ldy + j, mask, _mm512_maskz_min_ps(mask, _mm512_maskz_max_ps(mask, v, lo), hi));
    }
  }
}

}  // namespace edgerun::kernels::x86
