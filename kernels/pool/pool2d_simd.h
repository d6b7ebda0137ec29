// The AVX2 and AVX-512 entries of the pool2d family: NCHW planes through the microkernels of
// kernels/x86/pool, threaded over (image, channel) planes.
#pragma once

#include "kernels/pool/pool2d.h"

namespace edgerun::kernels {

bool pool2d_simd_supported(const Pool2dShape& shape);

std::unique_ptr<Pool2dF32> create_pool2d_avx2(const Pool2dShape& shape);
std::unique_ptr<Pool2dF32> create_pool2d_avx512(const Pool2dShape& shape);

}  // namespace edgerun::kernels
