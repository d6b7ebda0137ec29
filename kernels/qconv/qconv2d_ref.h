// The reference entry of the qconv2d family: direct loops, int32 accumulation of (x - x_zp) * w
// (padding reads as x_zp, so it adds 0), then the output tables. Every other entry matches it exactly.
#pragma once

#include "kernels/qconv/qconv2d.h"

namespace edgerun::kernels {

Result<std::unique_ptr<QConv2d>> create_qconv2d_ref(const Conv2dShape& shape, const int8_t* weights,
                                                    const QConv2dParams& params);

}  // namespace edgerun::kernels
