// The reference entry of the pool2d family: kernels/ref/nn/pool.h behind the Pool2dF32 interface.
#pragma once

#include "kernels/pool/pool2d.h"

namespace edgerun::kernels {

std::unique_ptr<Pool2dF32> create_pool2d_f32_ref(const Pool2dShape& shape);

}  // namespace edgerun::kernels
