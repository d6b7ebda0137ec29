// Depthwise convolution microkernels for AVX512: window_kernel.h's template over F32x16.
#include "kernels/x86/dwconv/dwconv.h"
#include "kernels/x86/dwconv/dwconv_op.h"
#include "kernels/x86/dwconv/f32_vec__avx512.h"
#include "kernels/x86/dwconv/window_kernel.h"

namespace edgerun::kernels::x86 {

// General-path tiles of 1 vector: the taps' loads bound it, not the FMA latency (on Zen 4, 1 x 1 beat
// 2 x 2 and 4 x 2 tiles by 1.2-1.3x on 5x5 and dilated 3x3 windows).
#define EDGERUN_X86_DWCONV_DEFINE(variant, k, s)                                                 \
  void f32_dwconv2d_chw_##variant##__avx512(const WindowGeometry& g, const DwConvPlaneArgs& a) { \
    window_variant_plane<F32x16, k, s, 1, 1>(g, a.x, DwConvOp<F32x16, k>(g, a));                 \
  }
EDGERUN_X86_WINDOW_VARIANTS(EDGERUN_X86_DWCONV_DEFINE)
#undef EDGERUN_X86_DWCONV_DEFINE

}  // namespace edgerun::kernels::x86
