#include "kernels/backends/xnnpack/layout.h"

#include <algorithm>
#include <limits>

namespace edgerun::kernels::xnnpack {

namespace {

// Square tiles keep both the strided reads and the contiguous writes of one tile within L1.
constexpr size_t kTile = 32;

struct TransposeJob {
  size_t rows, cols;
  const float* src;
  const float* residual;
  float min, max;
  float* dst;
};

template <bool kResidual>
void transpose_tile(void* context, size_t b, size_t i0, size_t j0, size_t ni, size_t nj) {
  const auto& job = *static_cast<const TransposeJob*>(context);
  const size_t image = job.rows * job.cols;
  const float* src = job.src + b * image;
  const float* residual = kResidual ? job.residual + b * image : nullptr;
  float* dst = job.dst + b * image;
  for (size_t j = j0; j < j0 + nj; ++j) {
    for (size_t i = i0; i < i0 + ni; ++i) {
      float v = src[i * job.cols + j];
      if (kResidual) v += residual[j * job.rows + i];
      dst[j * job.rows + i] = std::min(std::max(v, job.min), job.max);
    }
  }
}

void transpose(pthreadpool_t pool, size_t batch, const TransposeJob& job) {
  pthreadpool_parallelize_3d_tile_2d(pool, job.residual != nullptr ? transpose_tile<true> : transpose_tile<false>,
                                     const_cast<TransposeJob*>(&job), batch, job.rows, job.cols, kTile, kTile,
                                     /*flags=*/0);
}

}  // namespace

void transpose_images(pthreadpool_t pool, size_t batch, size_t rows, size_t cols, const float* src, float* dst) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  transpose(pool, batch, TransposeJob{rows, cols, src, nullptr, -kInf, kInf, dst});
}

void transpose_images_epilogue(pthreadpool_t pool, size_t batch, size_t rows, size_t cols, const float* src,
                               const float* residual, float min, float max, float* dst) {
  transpose(pool, batch, TransposeJob{rows, cols, src, residual, min, max, dst});
}

}  // namespace edgerun::kernels::xnnpack
