// The reference entry of the u8 x s8 GEMM family: kernels/ref/quant/qgemm.h, then the bias and the
// family's scalar output stage.
#pragma once

#include "kernels/qgemm/qgemm.h"

namespace edgerun::kernels {

Result<std::unique_ptr<QGemmU8S8>> create_qgemm_u8s8_ref(const QGemmShape& shape, const int8_t* b,
                                                         uint8_t a_zero_point, const QuantOutput& out);

}  // namespace edgerun::kernels
