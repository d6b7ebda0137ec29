// The memory-bound passes around XNNPACK's operators: NCHW <-> NHWC transposes (its convolution is
// NHWC) and the epilogue XNNPACK cannot apply itself (it clamps before a residual could be added).
// They run on XNNPACK's pthreadpool so one kernel does not mix OpenMP and pthreadpool workers.
#pragma once

#include <pthreadpool.h>

#include <cstddef>

#include "kernels/epilogue.h"

namespace edgerun::kernels::xnnpack {

// XNNPACK clamps before anything could be added and refuses min >= max: a residual or such a clamp
// takes a pass of its own (XNNPACK then writes unclamped into scratch).
inline bool needs_epilogue_pass(const Epilogue& e) { return e.residual || !(e.min < e.max); }

// Per image b < batch: dst[b][j][i] = src[b][i][j], src an [rows, cols] matrix, dst [cols, rows].
void transpose_images(pthreadpool_t pool, size_t batch, size_t rows, size_t cols, const float* src, float* dst);

// The same transpose with the epilogue on store: dst = clamp(src^T + residual, min, max); residual is
// null or shaped like dst (it may alias dst).
void transpose_images_epilogue(pthreadpool_t pool, size_t batch, size_t rows, size_t cols, const float* src,
                               const float* residual, float min, float max, float* dst);

// dst[i] = clamp(src[i] + residual[i], min, max) for i < count; residual null or aliasing dst.
void apply_epilogue(pthreadpool_t pool, size_t count, const float* src, const float* residual, float min, float max,
                    float* dst);

}  // namespace edgerun::kernels::xnnpack
