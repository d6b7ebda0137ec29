// The dense family on the packed GEMM: B (the weights) packed once at create into the tile's column
// panels, A (the activations) packed per call into scratch, bias per column and the epilogue applied
// by the microkernel on store.
#pragma once

#include "kernels/gemm/dense.h"

namespace edgerun::kernels {

// isa: avx2 or avx512.
template <Isa isa>
Result<std::unique_ptr<DenseF32>> create_dense_gemm(const DenseShape& shape, const float* b, const float* bias,
                                            const Epilogue& epilogue);

}  // namespace edgerun::kernels
