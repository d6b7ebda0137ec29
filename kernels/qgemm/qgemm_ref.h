// The reference entry of the u8 x s8 GEMM family: kernels/ref/quant/qgemm.h, then the bias and the
// family's requantization.
#pragma once

#include "kernels/qgemm/qgemm.h"

namespace edgerun::kernels {

Result<std::unique_ptr<QGemmU8S8>> create_qgemm_u8s8_ref(const QGemmShape& shape, const int8_t* b, const int32_t* bias,
                                                         const QGemmQuant& quant);

}  // namespace edgerun::kernels
