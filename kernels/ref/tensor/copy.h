// Data-movement reference kernels, written once over the element size in bytes: every dtype (f16 and
// bool included) moves through the same code. Transpose, Slice, Concat, Split, Expand, Tile,
// DepthToSpace and SpaceToDepth are strided copies; Pad and nearest Resize are remapped copies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace edgerun::ref {

// Row-major element strides of a contiguous tensor.
std::vector<int64_t> contiguous_strides(const std::vector<int64_t>& shape);

// For every index idx < shape: dst[dst_offset + idx . dst_strides] = src[src_offset + idx . src_strides].
// Strides are in elements and may be 0 (broadcast) or negative (reversed slice).
struct StridedCopyParams {
  size_t elem_size = 0;
  std::vector<int64_t> shape;
  std::vector<int64_t> src_strides;
  std::vector<int64_t> dst_strides;
  int64_t src_offset = 0;
  int64_t dst_offset = 0;
};
void strided_copy(const StridedCopyParams& p, const void* src, void* dst);
// The same in two steps, for a copy made many times (a prepared Transpose): simplify once (size-1 dims
// dropped, neighbours contiguous in src and dst merged into longer runs), then copy with a caller's
// index buffer of p.shape.size() elements, allocating nothing.
StridedCopyParams simplify_strided_copy(StridedCopyParams p);
void strided_copy_simplified(const StridedCopyParams& p, const void* src, void* dst, int64_t* index);

// dst is a contiguous tensor with dims offsets[k].size(). Element (i0, ..., in) is
// src[offsets[0][i0] + ... + offsets[n][in]], or `fill` when any of those offsets is negative.
// Offsets are element offsets into src (index times stride), precomputed per axis.
struct RemapParams {
  size_t elem_size = 0;
  std::vector<std::vector<int64_t>> offsets;
  const void* fill = nullptr;  // one element; may be null when no offset is negative
};
void remap_copy(const RemapParams& p, const void* src, void* dst);

// Writes `count` copies of the element at `value`.
void fill_elements(void* dst, int64_t count, const void* value, size_t elem_size);

// Trilu on a stack of rows x cols matrices: keeps element (i, j) where j - i >= k (upper) or
// j - i <= k (lower), zero bytes elsewhere.
struct TriluParams {
  size_t elem_size = 0;
  int64_t batch = 1, rows = 0, cols = 0, k = 0;
  bool upper = true;
};
void trilu(const TriluParams& p, const void* src, void* dst);

}  // namespace edgerun::ref
