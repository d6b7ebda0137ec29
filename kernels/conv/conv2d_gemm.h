// Conv2d as a packed GEMM per image and group (NCHW): C = y[out channels of the group][out_h * out_w],
// A = the group's weights (packed once at create), B = the input as implicit im2col, packed one
// kc x nc block at a time straight from the image (1x1 stride 1: from the input rows). Depthwise
// convolutions are left to their own kernels.
#pragma once

#include "kernels/conv/conv2d.h"

namespace edgerun::kernels {

bool conv2d_gemm_supports(const Conv2dShape& shape);
// isa: avx2 or avx512 (the tiles the kernel uses).
template <Isa isa>
Result<std::unique_ptr<Conv2dF32>> create_conv2d_gemm(const Conv2dShape& shape, const float* weights, const float* bias,
                                              const Epilogue& epilogue);

}  // namespace edgerun::kernels
