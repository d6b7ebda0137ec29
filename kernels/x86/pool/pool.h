// Pooling microkernels over NCHW planes, vectorised along the output row (window pools) or the plane
// (global pools). One function per ISA and, for window pools, per variant of
// EDGERUN_X86_WINDOW_VARIANTS: f32_{maxpool,avgpool}2d_chw_{3x3s1p1,3x3s2p1,kxks1,kxks2,kxk}__{avx2,avx512},
// f32_{gmaxpool,gavgpool}_chw__{avx2,avx512}. Call an ISA's functions only when kernels::isa_usable
// says the CPU has it.
#pragma once

#include <cstdint>

#include "kernels/x86/dwconv/window.h"

namespace edgerun::kernels::x86 {

struct PoolPlaneArgs {
  const float* x = nullptr;  // [in_h, in_w]
  float* y = nullptr;        // [out_h, out_w]
  // Average pool: y[oh][ow] = sum / (row_divisor[oh] * col_divisor[ow]), both >= 1.
  const float* row_divisor = nullptr;
  const float* col_divisor = nullptr;
};

// Max pool: the max over the taps inside the plane, -infinity where there is none (the caller
// replaces those: ONNX wants the numeric lowest there). Average pool: the sum over the taps inside
// the plane over the divisors.
using F32PoolPlaneFn = void (*)(const WindowGeometry& g, const PoolPlaneArgs& a);

// y[p] = max (from the numeric lowest) or mean of x[p * plane ... (p + 1) * plane) for p < planes.
using F32GlobalPoolFn = void (*)(int64_t planes, int64_t plane, const float* x, float* y);

#define EDGERUN_X86_POOL_DECLARE(variant, k, s)                                                \
  void f32_maxpool2d_chw_##variant##__avx2(const WindowGeometry& g, const PoolPlaneArgs& a);   \
  void f32_maxpool2d_chw_##variant##__avx512(const WindowGeometry& g, const PoolPlaneArgs& a); \
  void f32_avgpool2d_chw_##variant##__avx2(const WindowGeometry& g, const PoolPlaneArgs& a);   \
  void f32_avgpool2d_chw_##variant##__avx512(const WindowGeometry& g, const PoolPlaneArgs& a);
EDGERUN_X86_WINDOW_VARIANTS(EDGERUN_X86_POOL_DECLARE)
#undef EDGERUN_X86_POOL_DECLARE

void f32_gmaxpool_chw__avx2(int64_t planes, int64_t plane, const float* x, float* y);
void f32_gmaxpool_chw__avx512(int64_t planes, int64_t plane, const float* x, float* y);
void f32_gavgpool_chw__avx2(int64_t planes, int64_t plane, const float* x, float* y);
void f32_gavgpool_chw__avx512(int64_t planes, int64_t plane, const float* x, float* y);

}  // namespace edgerun::kernels::x86
