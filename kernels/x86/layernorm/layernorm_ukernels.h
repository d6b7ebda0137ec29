// LayerNorm row microkernels, one per ISA (kernels/x86/layernorm/*__<isa>.cc), over one contiguous row
// of n: y = (x - mean) / sqrt(var + epsilon) * scale + bias (bias may be null); *mean and *inv_std_dev
// receive the statistics unless null. y may alias x. Rows are threaded in kernels/eltwise/layernorm.cc.
#pragma once

#include <cstdint>

namespace edgerun::kernels {

void f32_layernorm__avx2(int64_t n, const float* x, const float* scale, const float* bias, float epsilon, float* y,
                         float* mean, float* inv_std_dev);
void f32_layernorm__avx512(int64_t n, const float* x, const float* scale, const float* bias, float epsilon, float* y,
                           float* mean, float* inv_std_dev);

}  // namespace edgerun::kernels
