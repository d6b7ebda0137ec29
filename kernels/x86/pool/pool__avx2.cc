// Pooling microkernels for AVX2: window_kernel.h's template and the global reductions over F32x8.
#include "kernels/x86/dwconv/f32_vec__avx2.h"
#include "kernels/x86/dwconv/window_kernel.h"
#include "kernels/x86/pool/pool.h"
#include "kernels/x86/pool/pool_op.h"

namespace edgerun::kernels::x86 {

// Tiles as the depthwise convolution's.
#define EDGERUN_X86_POOL_DEFINE(variant, k, s)                                                \
  void f32_maxpool2d_chw_##variant##__avx2(const WindowGeometry& g, const PoolPlaneArgs& a) { \
    window_variant_plane<F32x8, k, s, 2, 2>(g, a.x, MaxPoolOp<F32x8>(g, a));                  \
  }                                                                                           \
  void f32_avgpool2d_chw_##variant##__avx2(const WindowGeometry& g, const PoolPlaneArgs& a) { \
    window_variant_plane<F32x8, k, s, 2, 2>(g, a.x, AvgPoolOp<F32x8>(g, a));                  \
  }
EDGERUN_X86_WINDOW_VARIANTS(EDGERUN_X86_POOL_DEFINE)
#undef EDGERUN_X86_POOL_DEFINE

void f32_gmaxpool_chw__avx2(int64_t planes, int64_t plane, const float* x, float* y) {
  global_pool<F32x8, true>(planes, plane, x, y);
}

void f32_gavgpool_chw__avx2(int64_t planes, int64_t plane, const float* x, float* y) {
  global_pool<F32x8, false>(planes, plane, x, y);
}

}  // namespace edgerun::kernels::x86
