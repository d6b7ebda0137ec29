// The XNNPACK entry of the conv2d family: XNNPACK's NHWC convolution (its own ISA dispatch) between two
// layout transposes; the second applies the epilogue. Registered only when the build links XNNPACK.
#pragma once

#include "kernels/conv/conv2d.h"

namespace edgerun::kernels {

// Shapes XNNPACK's convolution computes exactly as ONNX does (non-empty, its output size rule agrees).
bool conv2d_f32_xnnpack_supports(const Conv2dShape& shape);

Result<std::unique_ptr<Conv2dF32>> create_conv2d_f32_xnnpack(const Conv2dShape& shape, const float* weights,
                                                             const float* bias, const Epilogue& epilogue);

}  // namespace edgerun::kernels
