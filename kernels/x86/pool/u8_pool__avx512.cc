// uint8 max pooling microkernels for AVX-512: window_kernel.h over 16 bytes loaded as float lanes,
// and the whole-plane max on 64 byte lanes.
#include <immintrin.h>

#include "kernels/x86/dwconv/f32_vec__avx512.h"
#include "kernels/x86/dwconv/window_kernel.h"
#include "kernels/x86/pool/u8_pool.h"
#include "kernels/x86/pool/u8_pool_op.h"

namespace edgerun::kernels::x86 {

namespace {

constexpr __mmask16 kAll = 0xFFFF;  // maskz forms, all lanes on: GCC 12 warns on the unmasked ones

struct U8F32x16 : F32x16 {
  using Elem = uint8_t;
  static Reg widen(__m128i bytes) { return _mm512_maskz_cvtepi32_ps(kAll, _mm512_maskz_cvtepu8_epi32(kAll, bytes)); }
  static Reg load(const uint8_t* p) { return widen(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }
  // Lanes outside m are not read and take `fill`.
  static Reg load(const uint8_t* p, Mask m, Reg fill) {
    return _mm512_mask_blend_ps(m, fill, widen(_mm_maskz_loadu_epi8(m, p)));
  }
  // p[first + j * stride] for the lanes in m (bytes have no gather instruction).
  static Reg gather(const uint8_t* p, int64_t first, int64_t stride, Mask m, Reg fill) {
    alignas(16) uint8_t v[16] = {};
    for (int j = 0; j < 16; ++j) {
      if ((m >> j) & 1) v[j] = p[first + j * stride];
    }
    return _mm512_mask_blend_ps(m, fill, widen(_mm_load_si128(reinterpret_cast<const __m128i*>(v))));
  }
  static void store_u8(uint8_t* p, Reg v, int64_t lanes) {
    _mm512_mask_cvtepi32_storeu_epi8(p, lanes == 16 ? kAll : static_cast<__mmask16>((1u << lanes) - 1),
                                     _mm512_maskz_cvttps_epi32(kAll, v));
  }
};

}  // namespace

#define EDGERUN_X86_U8_POOL_DEFINE(variant, k, s)                                                \
  void u8_maxpool2d_chw_##variant##__avx512(const WindowGeometry& g, const U8PoolPlaneArgs& a) { \
    window_variant_plane<U8F32x16, k, s, 1, 1>(g, a.x, U8MaxPoolOp<U8F32x16>(g, a));             \
  }
EDGERUN_X86_WINDOW_VARIANTS(EDGERUN_X86_U8_POOL_DEFINE)
#undef EDGERUN_X86_U8_POOL_DEFINE

void u8_gmaxpool_chw__avx512(int64_t planes, int64_t plane, const uint8_t* x, uint8_t* y) {
  for (int64_t p = 0; p < planes; ++p) {
    const uint8_t* in = x + p * plane;
    __m512i acc = _mm512_setzero_si512();
    int64_t i = 0;
    for (; i + 64 <= plane; i += 64) acc = _mm512_max_epu8(acc, _mm512_loadu_si512(in + i));
    if (i < plane) acc = _mm512_max_epu8(acc, _mm512_maskz_loadu_epi8((~uint64_t{0}) >> (64 - (plane - i)), in + i));
    __m256i h =
        _mm256_max_epu8(_mm512_maskz_extracti64x4_epi64(0xFF, acc, 0), _mm512_maskz_extracti64x4_epi64(0xFF, acc, 1));
    __m128i q = _mm_max_epu8(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
    q = _mm_max_epu8(q, _mm_srli_si128(q, 8));
    q = _mm_max_epu8(q, _mm_srli_si128(q, 4));
    q = _mm_max_epu8(q, _mm_srli_si128(q, 2));
    q = _mm_max_epu8(q, _mm_srli_si128(q, 1));
    y[p] = static_cast<uint8_t>(_mm_cvtsi128_si32(q));
  }
}

}  // namespace edgerun::kernels::x86
