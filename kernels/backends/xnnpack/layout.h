// NCHW <-> NHWC for the XNNPACK convolution (which is NHWC only), run on XNNPACK's pthreadpool so the
// backend does not mix OpenMP and pthreadpool workers within one kernel.
#pragma once

#include <pthreadpool.h>

#include <cstddef>

namespace edgerun::kernels::xnnpack {

// Per image b < batch: dst[b][j][i] = src[b][i][j], src an [rows, cols] matrix, dst [cols, rows].
void transpose_images(pthreadpool_t pool, size_t batch, size_t rows, size_t cols, const float* src, float* dst);

// The same transpose with the epilogue on store: dst = clamp(src^T + residual, min, max); residual is
// null or shaped like dst (it may alias dst).
void transpose_images_epilogue(pthreadpool_t pool, size_t batch, size_t rows, size_t cols, const float* src,
                               const float* residual, float min, float max, float* dst);

}  // namespace edgerun::kernels::xnnpack
