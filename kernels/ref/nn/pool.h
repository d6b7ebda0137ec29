// Reference pooling over NC<spatial> tensors, any number of spatial dims.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/ref/nn/patch.h"

namespace edgerun::ref {

struct PoolParams {
  int64_t channels = 0;           // batch * channels: pooling treats every plane alike
  PatchGeometry patch;            // image = input spatial dims, grid = output spatial dims
  std::vector<int64_t> pads_end;  // only for count_include_pad
  bool count_include_pad = false;
  bool column_major_indices = false;  // MaxPool storage_order = 1
};

// y[c][o] = max over the window's taps inside the image (numeric lowest when none is). indices, when
// not null, gets the flat index into x of the first maximum (its spatial part column-major when
// column_major_indices).
template <typename T>
void max_pool(const PoolParams& p, const T* x, T* y, int64_t* indices);

// y[c][o] = sum over taps inside the image / count, where count is the number of taps inside the
// image, or with count_include_pad the number inside the image extended by its pads (as ONNX Runtime).
template <typename T>
void average_pool(const PoolParams& p, const T* x, T* y);

// One value per plane of `plane` elements: the mean or the max.
template <typename T>
void global_average_pool(int64_t channels, int64_t plane, const T* x, T* y);
template <typename T>
void global_max_pool(int64_t channels, int64_t plane, const T* x, T* y);

}  // namespace edgerun::ref
