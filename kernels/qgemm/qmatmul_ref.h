// The reference entry of the quantized batched matmul family: the defining sum in wrapping int32,
// then the family's scalar output stage.
#pragma once

#include "kernels/qgemm/qmatmul.h"

namespace edgerun::kernels {

// Errors: b_zero_point out of B's range.
Status check_qmatmul_zero_point(const QMatMulShape& shape, int32_t b_zero_point);

Result<std::unique_ptr<QMatMul>> create_qmatmul_ref(const QMatMulShape& shape, uint8_t a_zero_point,
                                                    int32_t b_zero_point, const QuantOutput& out);

}  // namespace edgerun::kernels
