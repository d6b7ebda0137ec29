// Conv2d on pruned weights (NCHW): per image and group, y[out channels][pixels] = A . B with A the
// group's weights as a BlockSparseMatrix (kernels/sparse/block_sparse.h) and B the input (1x1 stride 1
// without padding: the input planes read in place) or its implicit im2col, packed one block of columns
// at a time; the product is kernels/sparse/spmm.h's. Only stored blocks are multiplied, so the work
// falls with the weights' block sparsity. Whether it beats the dense kernels depends on the layer:
// the engine measures both (engine/ops/sparse_choice.h). Depthwise convolutions are left to their own
// kernels.
#pragma once

#include "kernels/conv/conv2d.h"

namespace edgerun::kernels {

bool conv2d_sparse_supports(const Conv2dShape& shape);

// The sparse conv table, best first, ending with the portable reference (same Impl contract as
// conv2d_f32_impls; weights are the dense OIHW tensor with its zeros).
const std::vector<Conv2dF32Impl>& conv2d_sparse_f32_impls();

}  // namespace edgerun::kernels
