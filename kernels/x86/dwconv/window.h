// Geometry of a 2-D sliding window over one plane of an NCHW tensor, shared by the depthwise
// convolution and pooling microkernels (kernels/x86/dwconv, kernels/x86/pool) and their callers.
#pragma once

#include <cstdint>

namespace edgerun::kernels::x86 {

// Output (oh, ow) reads input (oh * stride_h - pad_top + kh * dilation_h,
// ow * stride_w - pad_left + kw * dilation_w) for every tap (kh, kw); coordinates outside the
// plane are padding.
struct WindowGeometry {
  int64_t in_h = 0, in_w = 0;
  int64_t out_h = 0, out_w = 0;
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0;
};

// The geometry of any family's shape with these fields (Conv2dShape, Pool2dShape).
template <typename WindowShape>
WindowGeometry window_geometry_of(const WindowShape& s) {
  WindowGeometry g;
  g.in_h = s.in_h;
  g.in_w = s.in_w;
  g.out_h = s.out_h;
  g.out_w = s.out_w;
  g.kernel_h = s.kernel_h;
  g.kernel_w = s.kernel_w;
  g.stride_h = s.stride_h;
  g.stride_w = s.stride_w;
  g.dilation_h = s.dilation_h;
  g.dilation_w = s.dilation_w;
  g.pad_top = s.pad_top;
  g.pad_left = s.pad_left;
  return g;
}

}  // namespace edgerun::kernels::x86

namespace edgerun::kernels::x86 {

// The specialisations every window microkernel comes in, best first: 3x3 with padding 1 on the left,
// dilation 1 and the same stride (1 or 2) in both dims, which loads each input row once and shifts
// lanes for the other taps; then any window with stride 1 along the row (rows loaded as they are),
// stride 2 (two loads de-interleaved) or any stride (gathers).
#define EDGERUN_X86_WINDOW_VARIANTS(X) \
  X(3x3s1p1, 3, 1)                     \
  X(3x3s2p1, 3, 2)                     \
  X(kxks1, 0, 1)                       \
  X(kxks2, 0, 2)                       \
  X(kxk, 0, 0)

#define EDGERUN_X86_WINDOW_COUNT(variant, k, s) +1
constexpr int kWindowVariants = 0 EDGERUN_X86_WINDOW_VARIANTS(EDGERUN_X86_WINDOW_COUNT);
#undef EDGERUN_X86_WINDOW_COUNT

// Index into EDGERUN_X86_WINDOW_VARIANTS of the first variant that runs g.
inline int window_variant(const WindowGeometry& g) {
  const bool p1 = g.kernel_h == 3 && g.kernel_w == 3 && g.dilation_h == 1 && g.dilation_w == 1 && g.pad_left == 1 &&
                  g.stride_h == g.stride_w;
  if (g.stride_w == 1) return p1 ? 0 : 2;
  if (g.stride_w == 2) return p1 ? 1 : 3;
  return 4;
}

}  // namespace edgerun::kernels::x86
