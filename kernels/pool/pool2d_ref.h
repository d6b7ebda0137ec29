// The reference entry of the pool2d family: kernels/ref/nn/pool.h behind the Pool2dF32 interface.
#pragma once

#include "kernels/pool/pool2d.h"
#include "kernels/ref/nn/pool.h"

namespace edgerun::kernels {

std::unique_ptr<Pool2dF32> create_pool2d_f32_ref(const Pool2dShape& shape);

// The shape as kernels/ref/nn/pool.h's parameters (the uint8 max pool's reference shares it).
ref::PoolParams pool2d_ref_params(const Pool2dShape& shape);

}  // namespace edgerun::kernels
