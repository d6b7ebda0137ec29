// The oneDNN entry of the conv2d family: a forward-inference convolution primitive in the blocked
// layouts oneDNN picks (nChw16c on AVX-512), with reorders from and to edgerun's NCHW around it.
#pragma once

#include "kernels/conv/conv2d.h"

namespace edgerun::kernels {

// Every shape whose geometry is consistent (oneDNN has reference fallbacks for the rest).
bool onednn_conv2d_f32_supports(const Conv2dShape& shape);
Result<std::unique_ptr<Conv2dF32>> create_conv2d_f32_onednn(const Conv2dShape& shape, const float* weights,
                                                            const float* bias, const Epilogue& epilogue);

}  // namespace edgerun::kernels
