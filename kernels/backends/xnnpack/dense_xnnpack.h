// The XNNPACK entry of the dense family: XNNPACK's fully connected operator. Registered only when the
// build links XNNPACK.
#pragma once

#include "kernels/gemm/dense.h"

namespace edgerun::kernels {

bool dense_f32_xnnpack_supports(const DenseShape& shape);  // non-empty

Result<std::unique_ptr<DenseF32>> create_dense_f32_xnnpack(const DenseShape& shape, const float* b, const float* bias,
                                                           const Epilogue& epilogue);

}  // namespace edgerun::kernels
