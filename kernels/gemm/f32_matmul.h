// The batched matmul family on the packed GEMM: both operands packed per block at run time (from any
// element strides), threads over batch x blocks of the product.
#pragma once

#include "kernels/gemm/matmul.h"

namespace edgerun::kernels {

// isa: avx2 or avx512.
template <Isa isa>
void matmul_gemm(const MatMulArgs& args);

}  // namespace edgerun::kernels
