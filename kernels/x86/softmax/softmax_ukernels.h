// Softmax row microkernels, one per ISA (kernels/x86/softmax/*__<isa>.cc): y[i] = exp(x[i] - max) / sum
// over one contiguous row of n; y may alias x. Rows are threaded in kernels/eltwise/softmax.cc.
#pragma once

#include <cstdint>

namespace edgerun::kernels {

void f32_softmax__avx2(int64_t n, const float* x, float* y);
void f32_softmax__avx512(int64_t n, const float* x, float* y);

}  // namespace edgerun::kernels
