// Index-driven reference kernels: Gather, GatherElements, GatherND, ScatterElements, ScatterND,
// OneHot, NonZero. Indices arrive as int64 (the glue widens int32 ones); negative indices count from
// the end of their axis. Kernels that read indices return false when one is out of range.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace edgerun::ref {

// data viewed as [outer, axis_dim, inner]; dst as [outer, num_indices, inner].
struct GatherParams {
  size_t elem_size = 0;
  int64_t outer = 1, axis_dim = 0, inner = 1;
  int64_t num_indices = 0;
};
bool gather(const GatherParams& p, const void* data, const int64_t* indices, void* dst);

// dst has indices_shape; dst[i] = data[i with its `axis` coordinate replaced by indices[i]].
struct GatherElementsParams {
  size_t elem_size = 0;
  std::vector<int64_t> data_shape, indices_shape;
  int64_t axis = 0;
};
bool gather_elements(const GatherElementsParams& p, const void* data, const int64_t* indices, void* dst);

// data viewed as [batch, index_dims..., slice]; indices as [batch, n, k] with k = index_dims.size();
// dst as [batch, n, slice].
struct GatherNDParams {
  size_t elem_size = 0;
  int64_t batch = 1, n = 0, slice = 1;
  std::vector<int64_t> index_dims;
};
bool gather_nd(const GatherNDParams& p, const void* data, const int64_t* indices, void* dst);

enum class ScatterReduction { kNone, kAdd, kMul, kMax, kMin };

// dst holds a copy of data (shape data_shape) on entry; each update element (updates has indices_shape)
// is combined into dst at its own index with the `axis` coordinate replaced by the index. Updates apply
// in row-major order, so with kNone the last duplicate wins.
struct ScatterElementsParams {
  std::vector<int64_t> data_shape, indices_shape;
  int64_t axis = 0;
  ScatterReduction reduction = ScatterReduction::kNone;
};
template <typename T>
bool scatter_elements(const ScatterElementsParams& p, const int64_t* indices, const T* updates, T* dst);

// dst holds a copy of data viewed as [index_dims..., slice] on entry; indices are [n, k] and updates
// [n, slice]: slice i is combined into dst at the position indices[i].
struct ScatterNDParams {
  std::vector<int64_t> index_dims;
  int64_t n = 0, slice = 1;
  ScatterReduction reduction = ScatterReduction::kNone;
};
template <typename T>
bool scatter_nd(const ScatterNDParams& p, const int64_t* indices, const T* updates, T* dst);

// indices viewed as [outer, inner], dst as [outer, depth, inner]; off_on holds the two values.
// Indices in [-depth, depth) are hot (negative ones count from the end); others leave a row all off.
struct OneHotParams {
  size_t elem_size = 0;
  int64_t outer = 1, depth = 0, inner = 1;
};
void one_hot(const OneHotParams& p, const int64_t* indices, const void* off_on, void* dst);

template <typename T>
int64_t count_nonzero(const T* x, int64_t n);
// Coordinates of the nonzero elements of x (shape `shape`, rank >= 1) as a [rank, nnz] row-major array.
template <typename T>
void nonzero(const T* x, const std::vector<int64_t>& shape, int64_t nnz, int64_t* dst);

}  // namespace edgerun::ref
