// The u8 x s8 GEMM with constant pruned weights (QMatMul / QDQ Gemm, as kernels/qgemm/qgemm.h):
// y = a . B computed as y^T = B^T . a^T with the INT8 SpMM (kernels/sparse/qs8_spmm.h): the
// weights B^T [n, k] (PyTorch Linear's layout, the study's 4x1 blocks along the output features),
// the activations transposed into scratch, the int32 result written transposed (the microkernel's
// transposed_c) and stored through the GEMM family's output stage (kernels/qgemm/quant_store.h). The
// engine measures it against the dense INT8 kernels (engine/ops/sparse_choice.h).
#pragma once

#include "kernels/qgemm/qgemm.h"

namespace edgerun::kernels {

// Best first, ending with the portable reference (same Impl contract as qgemm_u8s8_impls).
const std::vector<QGemmU8S8Impl>& qgemm_sparse_impls();

}  // namespace edgerun::kernels
