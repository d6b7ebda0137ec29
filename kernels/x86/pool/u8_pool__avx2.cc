// uint8 max pooling microkernels for AVX2: window_kernel.h over 8 bytes loaded as float lanes, and
// the whole-plane max on 32 byte lanes.
#include <immintrin.h>

#include <cstring>

#include "kernels/x86/dwconv/f32_vec__avx2.h"
#include "kernels/x86/dwconv/window_kernel.h"
#include "kernels/x86/pool/u8_pool.h"
#include "kernels/x86/pool/u8_pool_op.h"

namespace edgerun::kernels::x86 {

namespace {

struct U8F32x8 : F32x8 {
  using Elem = uint8_t;
  static Reg widen(__m128i bytes) { return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes)); }
  static Reg load(const uint8_t* p) { return widen(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))); }
  // Lanes outside m are not read and take `fill` (AVX2 has no byte masks: lane by lane).
  static Reg load(const uint8_t* p, Mask m, Reg fill) { return gather(p, 0, 1, m, fill); }
  // p[first + j * stride] for the lanes in m.
  static Reg gather(const uint8_t* p, int64_t first, int64_t stride, Mask m, Reg fill) {
    const int bits = _mm256_movemask_ps(_mm256_castsi256_ps(m));
    alignas(16) uint8_t v[16] = {};
    for (int j = 0; j < 8; ++j) {
      if ((bits >> j) & 1) v[j] = p[first + j * stride];
    }
    return _mm256_blendv_ps(fill, widen(_mm_load_si128(reinterpret_cast<const __m128i*>(v))), _mm256_castsi256_ps(m));
  }
  static void store_u8(uint8_t* p, Reg v, int64_t lanes) {
    const __m256i i = _mm256_cvttps_epi32(v);
    const __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(i), _mm256_extracti128_si256(i, 1));
    const __m128i b = _mm_packus_epi16(w, w);
    if (lanes == 8) {
      _mm_storel_epi64(reinterpret_cast<__m128i*>(p), b);
    } else {
      alignas(16) uint8_t out[16];
      _mm_store_si128(reinterpret_cast<__m128i*>(out), b);
      std::memcpy(p, out, static_cast<size_t>(lanes));
    }
  }
};

}  // namespace

#define EDGERUN_X86_U8_POOL_DEFINE(variant, k, s)                                              \
  void u8_maxpool2d_chw_##variant##__avx2(const WindowGeometry& g, const U8PoolPlaneArgs& a) { \
    window_variant_plane<U8F32x8, k, s, 1, 1>(g, a.x, U8MaxPoolOp<U8F32x8>(g, a));             \
  }
EDGERUN_X86_WINDOW_VARIANTS(EDGERUN_X86_U8_POOL_DEFINE)
#undef EDGERUN_X86_U8_POOL_DEFINE

void u8_gmaxpool_chw__avx2(int64_t planes, int64_t plane, const uint8_t* x, uint8_t* y) {
  for (int64_t p = 0; p < planes; ++p) {
    const uint8_t* in = x + p * plane;
    __m256i acc = _mm256_setzero_si256();
    int64_t i = 0;
    for (; i + 32 <= plane; i += 32) {
      acc = _mm256_max_epu8(acc, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i)));
    }
    __m128i q = _mm_max_epu8(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    q = _mm_max_epu8(q, _mm_srli_si128(q, 8));
    q = _mm_max_epu8(q, _mm_srli_si128(q, 4));
    q = _mm_max_epu8(q, _mm_srli_si128(q, 2));
    q = _mm_max_epu8(q, _mm_srli_si128(q, 1));
    uint8_t m = static_cast<uint8_t>(_mm_cvtsi128_si32(q));
    for (; i < plane; ++i) m = in[i] > m ? in[i] : m;
    y[p] = m;
  }
}

}  // namespace edgerun::kernels::x86
