// Depthwise convolution microkernels over one NCHW plane (one image, one channel), vectorised along the
// output row, with the bias + residual + clamp epilogue fused into the store. One function per ISA and
// per variant of EDGERUN_X86_WINDOW_VARIANTS: f32_dwconv2d_chw_{3x3s1p1,3x3s2p1,kxks1,kxks2,kxk}__{avx2,avx512}.
// Call an ISA's functions only when kernels::isa_usable says the CPU has it.
#pragma once

#include "kernels/x86/dwconv/window.h"

namespace edgerun::kernels::x86 {

struct DwConvPlaneArgs {
  const float* x = nullptr;        // [in_h, in_w]
  const float* weights = nullptr;  // [kernel_h, kernel_w]
  float bias = 0.0f;
  const float* residual = nullptr;  // [out_h, out_w] added before the clamp, or null; may alias y
  float* y = nullptr;               // [out_h, out_w] = clamp(conv + bias + residual, min, max)
  float min = 0.0f, max = 0.0f;
};

using F32DwConvPlaneFn = void (*)(const WindowGeometry& g, const DwConvPlaneArgs& a);

#define EDGERUN_X86_DWCONV_DECLARE(variant, k, s)                                             \
  void f32_dwconv2d_chw_##variant##__avx2(const WindowGeometry& g, const DwConvPlaneArgs& a); \
  void f32_dwconv2d_chw_##variant##__avx512(const WindowGeometry& g, const DwConvPlaneArgs& a);
EDGERUN_X86_WINDOW_VARIANTS(EDGERUN_X86_DWCONV_DECLARE)
#undef EDGERUN_X86_DWCONV_DECLARE

}  // namespace edgerun::kernels::x86
