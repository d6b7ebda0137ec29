#include "kernels/backends/xnnpack/passes.h"

#include <algorithm>

#if defined(__SSE__)
#include <xmmintrin.h>  // baseline on x86-64: 4x4 register transposes
#endif

namespace edgerun::kernels::xnnpack {

namespace {

// 32x32 tiles: a tile's strided rows stay in L1 even when the row pitch is a multiple of 4 KiB (wider
// tiles thrash on 256x3136, a ResNet-50 1x1 input), and the tiles spread over the threads.
constexpr size_t kTile = 32;
constexpr size_t kChunk = 16384;  // elements per task of the contiguous epilogue pass

struct Job {
  size_t rows, cols;
  const float* src;
  const float* residual;
  float min, max;
  float* dst;
};

// std::min / std::max order: a NaN sum stays NaN, as in the reference.
inline float clamp(float v, float lo, float hi) { return std::min(std::max(v, lo), hi); }

template <bool kEpilogue, bool kResidual>
inline void store(const Job& job, float* dst, const float* residual, size_t at, float v) {
  if (kResidual) v += residual[at];
  dst[at] = kEpilogue ? clamp(v, job.min, job.max) : v;
}

#if defined(__SSE__)
template <bool kEpilogue, bool kResidual>
inline void store4(const Job& job, float* dst, const float* residual, size_t at, __m128 v) {
  if (kResidual) v = _mm_add_ps(v, _mm_loadu_ps(residual + at));
  // Bound first: _mm_max_ps returns its second operand when one is NaN.
  if (kEpilogue) v = _mm_min_ps(_mm_set1_ps(job.max), _mm_max_ps(_mm_set1_ps(job.min), v));
  _mm_storeu_ps(dst + at, v);
}
#endif

template <bool kEpilogue, bool kResidual>
void transpose_tile(void* context, size_t b, size_t i0, size_t j0, size_t ni, size_t nj) {
  const Job& job = *static_cast<const Job*>(context);
  const size_t image = job.rows * job.cols;
  const float* src = job.src + b * image;
  const float* residual = kResidual ? job.residual + b * image : nullptr;
  float* dst = job.dst + b * image;
  size_t i = i0;
#if defined(__SSE__)
  for (; i + 4 <= i0 + ni; i += 4) {
    size_t j = j0;
    for (; j + 4 <= j0 + nj; j += 4) {
      __m128 r0 = _mm_loadu_ps(src + i * job.cols + j), r1 = _mm_loadu_ps(src + (i + 1) * job.cols + j);
      __m128 r2 = _mm_loadu_ps(src + (i + 2) * job.cols + j), r3 = _mm_loadu_ps(src + (i + 3) * job.cols + j);
      _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
      store4<kEpilogue, kResidual>(job, dst, residual, j * job.rows + i, r0);
      store4<kEpilogue, kResidual>(job, dst, residual, (j + 1) * job.rows + i, r1);
      store4<kEpilogue, kResidual>(job, dst, residual, (j + 2) * job.rows + i, r2);
      store4<kEpilogue, kResidual>(job, dst, residual, (j + 3) * job.rows + i, r3);
    }
    for (; j < j0 + nj; ++j) {
      for (size_t k = i; k < i + 4; ++k) {
        store<kEpilogue, kResidual>(job, dst, residual, j * job.rows + k, src[k * job.cols + j]);
      }
    }
  }
#endif
  for (size_t j = j0; j < j0 + nj; ++j) {
    for (size_t k = i; k < i0 + ni; ++k) {
      store<kEpilogue, kResidual>(job, dst, residual, j * job.rows + k, src[k * job.cols + j]);
    }
  }
}

void run_transpose(pthreadpool_t pool, size_t batch, const Job& job, pthreadpool_task_3d_tile_2d_t task) {
  pthreadpool_parallelize_3d_tile_2d(pool, task, const_cast<Job*>(&job), batch, job.rows, job.cols, kTile, kTile,
                                     /*flags=*/0);
}

template <bool kResidual>
void epilogue_chunk(void* context, size_t start, size_t count) {
  const Job& job = *static_cast<const Job*>(context);
  for (size_t i = start; i < start + count; ++i) {
    store<true, kResidual>(job, job.dst, job.residual, i, job.src[i]);
  }
}

}  // namespace

void transpose_images(pthreadpool_t pool, size_t batch, size_t rows, size_t cols, const float* src, float* dst) {
  run_transpose(pool, batch, Job{rows, cols, src, nullptr, 0.0f, 0.0f, dst}, transpose_tile<false, false>);
}

void transpose_images_epilogue(pthreadpool_t pool, size_t batch, size_t rows, size_t cols, const float* src,
                               const float* residual, float min, float max, float* dst) {
  run_transpose(pool, batch, Job{rows, cols, src, residual, min, max, dst},
                residual != nullptr ? transpose_tile<true, true> : transpose_tile<true, false>);
}

void apply_epilogue(pthreadpool_t pool, size_t count, const float* src, const float* residual, float min, float max,
                    float* dst) {
  const Job job{count, 1, src, residual, min, max, dst};
  pthreadpool_parallelize_1d_tile_1d(pool, residual != nullptr ? epilogue_chunk<true> : epilogue_chunk<false>,
                                     const_cast<Job*>(&job), count, kChunk, /*flags=*/0);
}

}  // namespace edgerun::kernels::xnnpack
