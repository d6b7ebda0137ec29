// The XNNPACK entry of the conv2d family: XNNPACK's NHWC convolution (its own ISA dispatch) between two
// layout transposes; the second applies the epilogue. Registered only when the build links XNNPACK.
#pragma once

#include "kernels/conv/conv2d.h"

namespace edgerun::kernels {

// Shapes XNNPACK's convolution computes exactly as ONNX does (non-empty, its output size rule agrees).
bool conv2d_f32_xnnpack_supports(const Conv2dShape& shape);

Result<std::unique_ptr<Conv2dF32>> create_conv2d_f32_xnnpack(const Conv2dShape& shape, const float* weights,
                                                             const float* bias, const Epilogue& epilogue);

// XNNPACK's sparse path (what XNN_FLAG_SPARSE_INFERENCE turns a subgraph's 1x1 convolutions into): its
// NCHW 1x1 convolution, which stores the weights sparse and runs its SpMM microkernels on edgerun's
// layout. The sparse conv table's XNNPACK entry (kernels/sparse/conv2d_sparse.h): 1x1, stride 1,
// ungrouped shapes.
bool conv2d_f32_xnnpack_sparse_supports(const Conv2dShape& shape);
Result<std::unique_ptr<Conv2dF32>> create_conv2d_f32_xnnpack_sparse(const Conv2dShape& shape, const float* weights,
                                                                    const float* bias, const Epilogue& epilogue);

}  // namespace edgerun::kernels
