// avx512 element-wise microkernels: vmath.inc and eltwise_loops.inc over vec_avx512.inc.
#include <immintrin.h>

#include "kernels/x86/eltwise/eltwise_ukernels.h"

namespace edgerun::kernels {

namespace {
// In this order: each part uses the ones before it.
// clang-format off
#include "kernels/x86/eltwise/vec_avx512.inc"
#include "kernels/x86/eltwise/vmath.inc"
#include "kernels/x86/eltwise/eltwise_loops.inc"
// clang-format on
}  // namespace

void f32_vunary__avx512(UnaryOp op, int64_t n, const float* x, float* y) { unary_ukernel(op, n, x, y); }

void f32_vbinary__avx512(BinaryOp op, int64_t n, const float* a, int64_t a_stride, const float* b, int64_t b_stride,
                         float* y) {
  binary_ukernel(op, n, a, a_stride, b, b_stride, y);
}

}  // namespace edgerun::kernels
