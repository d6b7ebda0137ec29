// avx2 Softmax row microkernel: softmax_row.inc over vec_avx2.inc and vmath.inc.
#include <immintrin.h>

#include "kernels/x86/softmax/softmax_ukernels.h"

namespace edgerun::kernels {

namespace {
// In this order: each part uses the ones before it.
// clang-format off
#include "kernels/x86/eltwise/vec_avx2.inc"
#include "kernels/x86/eltwise/vmath.inc"
#include "kernels/x86/softmax/softmax_row.inc"
// clang-format on
}  // namespace

void f32_softmax__avx2(int64_t n, const float* x, float* y) { softmax_row(n, x, y); }

}  // namespace edgerun::kernels
