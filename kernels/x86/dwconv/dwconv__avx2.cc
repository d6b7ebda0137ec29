// Depthwise convolution microkernels for AVX2: window_kernel.h's template over F32x8.
#include "kernels/x86/dwconv/dwconv.h"
#include "kernels/x86/dwconv/dwconv_op.h"
#include "kernels/x86/dwconv/f32_vec__avx2.h"
#include "kernels/x86/dwconv/window_kernel.h"

namespace edgerun::kernels::x86 {

// General-path tiles of 2 rows by 2 vectors: 4 accumulators leave room in the 16 ymm registers.
#define EDGERUN_X86_DWCONV_DEFINE(variant, k, s)                                               \
  void f32_dwconv2d_chw_##variant##__avx2(const WindowGeometry& g, const DwConvPlaneArgs& a) { \
    window_variant_plane<F32x8, k, s, 2, 2>(g, a.x, DwConvOp<F32x8, k>(g, a));                 \
  }
EDGERUN_X86_WINDOW_VARIANTS(EDGERUN_X86_DWCONV_DEFINE)
#undef EDGERUN_X86_DWCONV_DEFINE

}  // namespace edgerun::kernels::x86
