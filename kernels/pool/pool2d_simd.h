// The AVX2 and AVX-512 entries of the pool2d family: NCHW planes through the microkernels of
// kernels/x86/pool, threaded over (image, channel) planes.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/pool/pool2d.h"
#include "kernels/ref/omp.h"
#include "kernels/x86/dwconv/window.h"

namespace edgerun::kernels {

bool pool2d_simd_supported(const Pool2dShape& shape);

// Runs a pool over its (image, channel) planes with OpenMP, for the f32 and uint8 entries alike:
// a global pool as global_block(count, first) over blocks of planes (a 7x7 plane is too little work
// alone), a windowed one as plane(p) for each plane.
template <typename GlobalBlock, typename Plane>
void for_each_pool_task(const Pool2dShape& shape, bool global, GlobalBlock&& global_block, Plane&& plane) {
  const int64_t planes = shape.planes();
  if (global) {
    constexpr int64_t kBlock = 64;
    EDGERUN_OMP(parallel for schedule(static))
    for (int64_t first = 0; first < planes; first += kBlock) global_block(std::min(kBlock, planes - first), first);
    return;
  }
  EDGERUN_OMP(parallel for schedule(static))
  for (int64_t p = 0; p < planes; ++p) plane(p);
}

std::unique_ptr<Pool2dF32> create_pool2d_avx2(const Pool2dShape& shape);
std::unique_ptr<Pool2dF32> create_pool2d_avx512(const Pool2dShape& shape);

}  // namespace edgerun::kernels
