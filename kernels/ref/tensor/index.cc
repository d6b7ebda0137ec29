#include "kernels/ref/tensor/index.h"

#include <algorithm>
#include <cstring>

#include "kernels/ref/tensor/copy.h"
#include "kernels/ref/tensor/element.h"
#include "kernels/ref/tensor/types.h"

namespace edgerun::ref {

namespace {

// Normalises a possibly negative index into [0, dim); false when out of range.
inline bool fix_index(int64_t& i, int64_t dim) {
  if (i < 0) i += dim;
  return i >= 0 && i < dim;
}

// Walks every index of `shape` row-major, calling fn(linear, index) where index is the coordinate
// vector; used by the per-element kernels whose two operands have different shapes.
template <typename Fn>
void for_each_index(const std::vector<int64_t>& shape, Fn&& fn) {
  int64_t total = 1;
  for (int64_t d : shape) total *= d;
  std::vector<int64_t> index(shape.size(), 0);
  for (int64_t linear = 0; linear < total; ++linear) {
    if (!fn(linear, index)) return;
    for (size_t k = shape.size(); k-- > 0;) {
      if (++index[k] < shape[k]) break;
      index[k] = 0;
    }
  }
}

// Element offset into a tensor of `strides` of `index` with its `axis` coordinate replaced by `at`.
inline int64_t offset_with(const std::vector<int64_t>& index, const std::vector<int64_t>& strides, size_t axis,
                           int64_t at) {
  int64_t off = 0;
  for (size_t k = 0; k < index.size(); ++k) off += (k == axis ? at : index[k]) * strides[k];
  return off;
}

template <typename T>
inline T combine(ScatterReduction r, T a, T b) {
  switch (r) {
    case ScatterReduction::kAdd: return static_cast<T>(a + b);
    case ScatterReduction::kMul: return static_cast<T>(a * b);
    case ScatterReduction::kMax: return std::max(a, b);
    case ScatterReduction::kMin: return std::min(a, b);
    case ScatterReduction::kNone: break;
  }
  return b;
}

}  // namespace

bool gather(const GatherParams& p, const void* data, const int64_t* indices, void* dst) {
  // Every index is checked before anything is written; the copy normalises them again rather than
  // keeping a copy, so a gather allocates nothing.
  for (int64_t j = 0; j < p.num_indices; ++j) {
    int64_t i = indices[j];
    if (!fix_index(i, p.axis_dim)) return false;
  }
  const size_t block = static_cast<size_t>(p.inner) * p.elem_size;
  const auto* s = static_cast<const unsigned char*>(data);
  auto* d = static_cast<unsigned char*>(dst);
  for (int64_t o = 0; o < p.outer; ++o) {
    const unsigned char* so = s + static_cast<size_t>(o * p.axis_dim) * block;
    for (int64_t j = 0; j < p.num_indices; ++j, d += block) {
      int64_t i = indices[j];
      fix_index(i, p.axis_dim);
      std::memcpy(d, so + static_cast<size_t>(i) * block, block);
    }
  }
  return true;
}

bool gather_elements(const GatherElementsParams& p, const void* data, const int64_t* indices, void* dst) {
  const std::vector<int64_t> strides = contiguous_strides(p.data_shape);
  const size_t axis = static_cast<size_t>(p.axis);
  const int64_t axis_dim = p.data_shape[axis];
  bool ok = true;
  dispatch_elem_size(p.elem_size, [&](auto e) {
    using E = decltype(e);
    const E* s = static_cast<const E*>(data);
    E* d = static_cast<E*>(dst);
    for_each_index(p.indices_shape, [&](int64_t linear, const std::vector<int64_t>& index) {
      int64_t at = indices[linear];
      if (!fix_index(at, axis_dim)) return ok = false;
      d[linear] = s[offset_with(index, strides, axis, at)];
      return true;
    });
  });
  return ok;
}

bool gather_nd(const GatherNDParams& p, const void* data, const int64_t* indices, void* dst) {
  const size_t k = p.index_dims.size();
  std::vector<int64_t> strides = contiguous_strides(p.index_dims);
  int64_t per_batch = 1;
  for (int64_t dim : p.index_dims) per_batch *= dim;
  const size_t block = static_cast<size_t>(p.slice) * p.elem_size;
  const auto* s = static_cast<const unsigned char*>(data);
  auto* d = static_cast<unsigned char*>(dst);
  for (int64_t b = 0; b < p.batch; ++b) {
    for (int64_t i = 0; i < p.n; ++i, indices += k, d += block) {
      int64_t off = b * per_batch;
      for (size_t j = 0; j < k; ++j) {
        int64_t at = indices[j];
        if (!fix_index(at, p.index_dims[j])) return false;
        off += at * strides[j];
      }
      std::memcpy(d, s + static_cast<size_t>(off) * block, block);
    }
  }
  return true;
}

template <typename T>
bool scatter_elements(const ScatterElementsParams& p, const int64_t* indices, const T* updates, T* dst) {
  const std::vector<int64_t> strides = contiguous_strides(p.data_shape);
  const size_t axis = static_cast<size_t>(p.axis);
  const int64_t axis_dim = p.data_shape[axis];
  bool ok = true;
  for_each_index(p.indices_shape, [&](int64_t linear, const std::vector<int64_t>& index) {
    int64_t at = indices[linear];
    if (!fix_index(at, axis_dim)) return ok = false;
    T& out = dst[offset_with(index, strides, axis, at)];
    out = combine(p.reduction, out, updates[linear]);
    return true;
  });
  return ok;
}

template <typename T>
bool scatter_nd(const ScatterNDParams& p, const int64_t* indices, const T* updates, T* dst) {
  const size_t k = p.index_dims.size();
  const std::vector<int64_t> strides = contiguous_strides(p.index_dims);
  for (int64_t i = 0; i < p.n; ++i, indices += k, updates += p.slice) {
    int64_t off = 0;
    for (size_t j = 0; j < k; ++j) {
      int64_t at = indices[j];
      if (!fix_index(at, p.index_dims[j])) return false;
      off += at * strides[j];
    }
    T* out = dst + off * p.slice;
    for (int64_t s = 0; s < p.slice; ++s) out[s] = combine(p.reduction, out[s], updates[s]);
  }
  return true;
}

void one_hot(const OneHotParams& p, const int64_t* indices, const void* off_on, void* dst) {
  fill_elements(dst, p.outer * p.depth * p.inner, off_on, p.elem_size);
  const auto* on = static_cast<const unsigned char*>(off_on) + p.elem_size;
  auto* d = static_cast<unsigned char*>(dst);
  for (int64_t o = 0; o < p.outer; ++o) {
    for (int64_t i = 0; i < p.inner; ++i) {
      int64_t at = indices[o * p.inner + i];
      if (!fix_index(at, p.depth)) continue;
      std::memcpy(d + static_cast<size_t>((o * p.depth + at) * p.inner + i) * p.elem_size, on, p.elem_size);
    }
  }
}

template <typename T>
int64_t count_nonzero(const T* x, int64_t n) {
  int64_t c = 0;
  for (int64_t i = 0; i < n; ++i) c += x[i] != T(0);
  return c;
}

template <typename T>
void nonzero(const T* x, const std::vector<int64_t>& shape, int64_t nnz, int64_t* dst) {
  int64_t found = 0;
  for_each_index(shape, [&](int64_t linear, const std::vector<int64_t>& index) {
    if (x[linear] == T(0)) return true;
    if (found == nnz) return false;
    for (size_t k = 0; k < index.size(); ++k) dst[static_cast<int64_t>(k) * nnz + found] = index[k];
    ++found;
    return true;
  });
}

#define EDGERUN_INSTANTIATE(T)                                                                              \
  template bool scatter_elements<T>(const ScatterElementsParams&, const int64_t*, const T*, T*);            \
  template bool scatter_nd<T>(const ScatterNDParams&, const int64_t*, const T*, T*);                        \
  template int64_t count_nonzero<T>(const T*, int64_t);                                                     \
  template void nonzero<T>(const T*, const std::vector<int64_t>&, int64_t, int64_t*);
EDGERUN_REF_NUMERIC_TYPES(EDGERUN_INSTANTIATE)
template int64_t count_nonzero<bool>(const bool*, int64_t);
template void nonzero<bool>(const bool*, const std::vector<int64_t>&, int64_t, int64_t*);
#undef EDGERUN_INSTANTIATE

}  // namespace edgerun::ref
