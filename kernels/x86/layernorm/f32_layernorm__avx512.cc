// avx512 LayerNorm row microkernel: layernorm_row.inc over vec_avx512.inc.
#include <immintrin.h>

#include "kernels/x86/layernorm/layernorm_ukernels.h"

namespace edgerun::kernels {

namespace {
// In this order: each part uses the ones before it.
// clang-format off
#include "kernels/x86/eltwise/vec_avx512.inc"
using F = V::F;
#include "kernels/x86/layernorm/layernorm_row.inc"
// clang-format on
}  // namespace

void f32_layernorm__avx512(int64_t n, const float* x, const float* scale, const float* bias, float epsilon, float* y,
                           float* mean, float* inv_std_dev) {
  layernorm_row(n, x, scale, bias, epsilon, y, mean, inv_std_dev);
}

}  // namespace edgerun::kernels
