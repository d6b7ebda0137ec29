// Depthwise convolution microkernels for AVX512: window_kernel.h's template over F32x16.
#include "kernels/x86/dwconv/dwconv.h"
#include "kernels/x86/dwconv/dwconv_op.h"
#include "kernels/x86/dwconv/f32_vec__avx512.h"
#include "kernels/x86/dwconv/window_kernel.h"

namespace edgerun::kernels::x86 {

// General-path tiles of 4 rows by 2 vectors: 8 accumulators cover the FMA latency.
#define EDGERUN_X86_DWCONV_DEFINE(variant, k, s)                                                 \
  void f32_dwconv2d_chw_##variant##__avx512(const WindowGeometry& g, const DwConvPlaneArgs& a) { \
    window_variant_plane<F32x16, k, s, 4, 2>(g, a.x, DwConvOp<F32x16, k>(g, a));                 \
  }
EDGERUN_X86_WINDOW_VARIANTS(EDGERUN_X86_DWCONV_DEFINE)
#undef EDGERUN_X86_DWCONV_DEFINE

}  // namespace edgerun::kernels::x86
