// Dense layers (Gemm / MatMul with constant weights) on pruned weights: y = a . B + bias computed as
// y^T = B^T . a^T, the pruned weights B^T [n, k] (PyTorch Linear's layout, where the study's 4x1 blocks
// are 4 output features at one input) as a BlockSparseMatrix and a^T the activations transposed into
// scratch, so the SpMM (kernels/sparse/spmm.h) vectorizes over the rows of a (tokens); it stores its
// result transposed, straight into y, with the residual and clamp. The engine measures it against the
// dense kernels (engine/ops/sparse_choice.h).
#pragma once

#include "kernels/gemm/dense.h"

namespace edgerun::kernels {

// Best first, ending with the portable reference (same Impl contract as dense_f32_impls).
const std::vector<DenseF32Impl>& dense_sparse_f32_impls();

}  // namespace edgerun::kernels
