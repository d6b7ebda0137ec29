// The reference entry of the dense family: kernels/ref/nn/gemm behind the DenseF32 interface.
#pragma once

#include "kernels/gemm/dense.h"

namespace edgerun::kernels {

Result<std::unique_ptr<DenseF32>> create_dense_f32_ref(const DenseShape& shape, const float* b, const float* bias,
                                                       const Epilogue& epilogue);

}  // namespace edgerun::kernels
