// The oneDNN entry of the dense family: a matmul primitive on row-major a and y, with the weights
// reordered once into the blocked layout oneDNN picks.
#pragma once

#include "kernels/gemm/dense.h"

namespace edgerun::kernels {

bool onednn_dense_f32_supports(const DenseShape& shape);  // every non-empty shape
Result<std::unique_ptr<DenseF32>> create_dense_f32_onednn(const DenseShape& shape, const float* b, const float* bias,
                                                          const Epilogue& epilogue);

}  // namespace edgerun::kernels
