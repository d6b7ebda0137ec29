// Pooling microkernels for AVX512: window_kernel.h's template and the global reductions over F32x16.
#include "kernels/x86/dwconv/f32_vec__avx512.h"
#include "kernels/x86/dwconv/window_kernel.h"
#include "kernels/x86/pool/pool.h"
#include "kernels/x86/pool/pool_op.h"

namespace edgerun::kernels::x86 {

// Tiles as the depthwise convolution's.
#define EDGERUN_X86_POOL_DEFINE(variant, k, s)                                                  \
  void f32_maxpool2d_chw_##variant##__avx512(const WindowGeometry& g, const PoolPlaneArgs& a) { \
    window_variant_plane<F32x16, k, s, 1, 1>(g, a.x, MaxPoolOp<F32x16>(g, a));                  \
  }                                                                                             \
  void f32_avgpool2d_chw_##variant##__avx512(const WindowGeometry& g, const PoolPlaneArgs& a) { \
    window_variant_plane<F32x16, k, s, 1, 1>(g, a.x, AvgPoolOp<F32x16>(g, a));                  \
  }
EDGERUN_X86_WINDOW_VARIANTS(EDGERUN_X86_POOL_DEFINE)
#undef EDGERUN_X86_POOL_DEFINE

void f32_gmaxpool_chw__avx512(int64_t planes, int64_t plane, const float* x, float* y) {
  global_pool<F32x16, true>(planes, plane, x, y);
}

void f32_gavgpool_chw__avx512(int64_t planes, int64_t plane, const float* x, float* y) {
  global_pool<F32x16, false>(planes, plane, x, y);
}

}  // namespace edgerun::kernels::x86
