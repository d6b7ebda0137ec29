// Depthwise entries of the conv2d family (groups == in_channels == out_channels, MobileNet's case):
// NCHW planes through the microkernels of kernels/x86/dwconv, threaded over (image, channel).
#pragma once

#include "kernels/conv/conv2d.h"

namespace edgerun::kernels {

bool dwconv2d_supported(const Conv2dShape& shape);

Result<std::unique_ptr<Conv2dF32>> create_dwconv2d_avx2(const Conv2dShape& shape, const float* weights, const float* bias,
                                                const Epilogue& epilogue);
Result<std::unique_ptr<Conv2dF32>> create_dwconv2d_avx512(const Conv2dShape& shape, const float* weights, const float* bias,
                                                  const Epilogue& epilogue);

}  // namespace edgerun::kernels
