// The reference entry of the conv2d family: kernels/ref/nn/conv behind the Conv2dF32 interface.
#pragma once

#include "kernels/conv/conv2d.h"

namespace edgerun::kernels {

Result<std::unique_ptr<Conv2dF32>> create_conv2d_f32_ref(const Conv2dShape& shape, const float* weights,
                                                         const float* bias, const Epilogue& epilogue);

}  // namespace edgerun::kernels
