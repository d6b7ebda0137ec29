#include "kernels/ref/tensor/copy.h"

#include <algorithm>
#include <cstring>

#include "kernels/ref/tensor/element.h"

namespace edgerun::ref {

std::vector<int64_t> contiguous_strides(const std::vector<int64_t>& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t k = shape.size(); k-- > 1;) strides[k - 1] = strides[k] * shape[k];
  return strides;
}

StridedCopyParams simplify_strided_copy(StridedCopyParams p) {
  std::vector<int64_t> shape, ss, ds;
  for (size_t k = 0; k < p.shape.size(); ++k) {
    if (p.shape[k] == 1) continue;
    if (!shape.empty() && ss.back() == p.src_strides[k] * p.shape[k] && ds.back() == p.dst_strides[k] * p.shape[k]) {
      shape.back() *= p.shape[k];
      ss.back() = p.src_strides[k];
      ds.back() = p.dst_strides[k];
      continue;
    }
    shape.push_back(p.shape[k]);
    ss.push_back(p.src_strides[k]);
    ds.push_back(p.dst_strides[k]);
  }
  p.shape = std::move(shape);
  p.src_strides = std::move(ss);
  p.dst_strides = std::move(ds);
  return p;
}

namespace {

template <typename E>
void strided_copy_typed(const StridedCopyParams& p, const E* src, E* dst, int64_t* index) {
  const size_t rank = p.shape.size();
  if (rank == 0) {
    dst[p.dst_offset] = src[p.src_offset];
    return;
  }
  const int64_t inner = p.shape[rank - 1];
  const int64_t s_in = p.src_strides[rank - 1];
  const int64_t d_in = p.dst_strides[rank - 1];
  int64_t outer = 1;
  for (size_t k = 0; k + 1 < rank; ++k) outer *= p.shape[k];
  std::fill_n(index, rank, 0);
  int64_t so = p.src_offset, dof = p.dst_offset;
  for (int64_t o = 0; o < outer; ++o) {
    if (s_in == 1 && d_in == 1) {
      std::memcpy(dst + dof, src + so, static_cast<size_t>(inner) * sizeof(E));
    } else {
      const E* s = src + so;
      E* d = dst + dof;
      for (int64_t i = 0; i < inner; ++i) d[i * d_in] = s[i * s_in];
    }
    for (size_t k = rank - 1; k-- > 0;) {
      so += p.src_strides[k];
      dof += p.dst_strides[k];
      if (++index[k] < p.shape[k]) break;
      so -= p.src_strides[k] * p.shape[k];
      dof -= p.dst_strides[k] * p.shape[k];
      index[k] = 0;
    }
  }
}

template <typename E>
void remap_copy_typed(const RemapParams& p, const E* src, E* dst, E fill) {
  const size_t rank = p.offsets.size();
  if (rank == 0) {
    *dst = *src;
    return;
  }
  const std::vector<int64_t>& inner = p.offsets[rank - 1];
  const int64_t n = static_cast<int64_t>(inner.size());
  int64_t outer = 1;
  for (size_t k = 0; k + 1 < rank; ++k) outer *= static_cast<int64_t>(p.offsets[k].size());
  if (outer == 0 || n == 0) return;
  std::vector<int64_t> index(rank, 0);
  for (int64_t o = 0; o < outer; ++o, dst += n) {
    int64_t base = 0;
    bool outside = false;
    for (size_t k = 0; k + 1 < rank; ++k) {
      const int64_t off = p.offsets[k][static_cast<size_t>(index[k])];
      outside |= off < 0;
      base += off;
    }
    if (outside) {
      for (int64_t i = 0; i < n; ++i) dst[i] = fill;
    } else {
      const E* s = src + base;
      for (int64_t i = 0; i < n; ++i) dst[i] = inner[static_cast<size_t>(i)] < 0 ? fill : s[inner[static_cast<size_t>(i)]];
    }
    for (size_t k = rank - 1; k-- > 0;) {
      if (++index[k] < static_cast<int64_t>(p.offsets[k].size())) break;
      index[k] = 0;
    }
  }
}

}  // namespace

void strided_copy(const StridedCopyParams& params, const void* src, void* dst) {
  const StridedCopyParams p = simplify_strided_copy(params);
  std::vector<int64_t> index(p.shape.size());
  strided_copy_simplified(p, src, dst, index.data());
}

void strided_copy_simplified(const StridedCopyParams& p, const void* src, void* dst, int64_t* index) {
  for (int64_t d : p.shape) {
    if (d == 0) return;
  }
  dispatch_elem_size(p.elem_size, [&](auto e) {
    using E = decltype(e);
    strided_copy_typed(p, static_cast<const E*>(src), static_cast<E*>(dst), index);
  });
}

void remap_copy(const RemapParams& p, const void* src, void* dst) {
  dispatch_elem_size(p.elem_size, [&](auto e) {
    using E = decltype(e);
    E fill{};
    if (p.fill != nullptr) std::memcpy(&fill, p.fill, sizeof(E));
    remap_copy_typed(p, static_cast<const E*>(src), static_cast<E*>(dst), fill);
  });
}

void fill_elements(void* dst, int64_t count, const void* value, size_t elem_size) {
  dispatch_elem_size(elem_size, [&](auto e) {
    using E = decltype(e);
    E v;
    std::memcpy(&v, value, sizeof(E));
    E* d = static_cast<E*>(dst);
    for (int64_t i = 0; i < count; ++i) d[i] = v;
  });
}

void trilu(const TriluParams& p, const void* src, void* dst) {
  const size_t row_bytes = static_cast<size_t>(p.cols) * p.elem_size;
  const auto* s = static_cast<const unsigned char*>(src);
  auto* d = static_cast<unsigned char*>(dst);
  for (int64_t b = 0; b < p.batch; ++b) {
    for (int64_t i = 0; i < p.rows; ++i, s += row_bytes, d += row_bytes) {
      // Kept columns form one interval: [i + k, cols) for upper, [0, i + k] for lower.
      int64_t lo = p.upper ? i + p.k : 0;
      int64_t hi = p.upper ? p.cols : i + p.k + 1;
      lo = lo < 0 ? 0 : (lo > p.cols ? p.cols : lo);
      hi = hi < lo ? lo : (hi > p.cols ? p.cols : hi);
      const size_t lo_b = static_cast<size_t>(lo) * p.elem_size, hi_b = static_cast<size_t>(hi) * p.elem_size;
      std::memset(d, 0, lo_b);
      std::memmove(d + lo_b, s + lo_b, hi_b - lo_b);
      std::memset(d + hi_b, 0, row_bytes - hi_b);
    }
  }
}

}  // namespace edgerun::ref
