// uint8 max pooling microkernels over NCHW planes: window_kernel.h's templates on a vector type that
// loads bytes as float lanes (max of small integers in float is exact) and stores them back as bytes,
// one function per ISA and per variant of EDGERUN_X86_WINDOW_VARIANTS:
// u8_maxpool2d_chw_{3x3s1p1,3x3s2p1,kxks1,kxks2,kxk}__{avx2,avx512}; and the whole-plane max,
// u8_gmaxpool_chw__{avx2,avx512}, on byte lanes. Padding and windows with no tap inside the plane give
// 0, uint8's lowest, as ONNX's MaxPool. Call an ISA's functions only when kernels::isa_usable says so.
#pragma once

#include <cstdint>

#include "kernels/x86/dwconv/window.h"

namespace edgerun::kernels::x86 {

struct U8PoolPlaneArgs {
  const uint8_t* x = nullptr;  // [in_h, in_w]
  uint8_t* y = nullptr;        // [out_h, out_w]
};

using U8PoolPlaneFn = void (*)(const WindowGeometry& g, const U8PoolPlaneArgs& a);

// y[p] = max of x[p * plane ... (p + 1) * plane) for p < planes (0 for an empty plane).
using U8GlobalPoolFn = void (*)(int64_t planes, int64_t plane, const uint8_t* x, uint8_t* y);

#define EDGERUN_X86_U8_POOL_DECLARE(variant, k, s)                                            \
  void u8_maxpool2d_chw_##variant##__avx2(const WindowGeometry& g, const U8PoolPlaneArgs& a); \
  void u8_maxpool2d_chw_##variant##__avx512(const WindowGeometry& g, const U8PoolPlaneArgs& a);
EDGERUN_X86_WINDOW_VARIANTS(EDGERUN_X86_U8_POOL_DECLARE)
#undef EDGERUN_X86_U8_POOL_DECLARE

void u8_gmaxpool_chw__avx2(int64_t planes, int64_t plane, const uint8_t* x, uint8_t* y);
void u8_gmaxpool_chw__avx512(int64_t planes, int64_t plane, const uint8_t* x, uint8_t* y);

}  // namespace edgerun::kernels::x86
