// Element-wise microkernels, one per ISA, on raw pointers (kernels/x86/eltwise/*__<isa>.cc). The
// threaded loops around them live in kernels/eltwise/.
#pragma once

#include <cstdint>

#include "kernels/eltwise/binary.h"
#include "kernels/eltwise/unary.h"

namespace edgerun::kernels {

// y[i] = op(x[i]) for i < n; y may alias x.
void f32_vunary__avx2(UnaryOp op, int64_t n, const float* x, float* y);
void f32_vunary__avx512(UnaryOp op, int64_t n, const float* x, float* y);

// y[i] = a[i * a_stride] op b[i * b_stride] for i < n; a stride is 1, or 0 to broadcast one element.
void f32_vbinary__avx2(BinaryOp op, int64_t n, const float* a, int64_t a_stride, const float* b, int64_t b_stride,
                       float* y);
void f32_vbinary__avx512(BinaryOp op, int64_t n, const float* a, int64_t a_stride, const float* b, int64_t b_stride,
                         float* y);

}  // namespace edgerun::kernels
