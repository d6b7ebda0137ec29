#include "kernels/ref/nn/pool.h"

#include <algorithm>
#include <limits>

#include "kernels/ref/omp.h"

namespace edgerun::ref {

namespace {
// Row-major image offset -> the same element's offset in column-major order.
int64_t column_major_offset(int64_t offset, const std::vector<int64_t>& dims) {
  int64_t result = 0;
  int64_t stride = 1;
  std::vector<int64_t> index(dims.size());
  for (size_t d = dims.size(); d-- > 0;) {
    index[d] = offset % dims[d];
    offset /= dims[d];
  }
  for (size_t d = 0; d < dims.size(); ++d) {
    result += index[d] * stride;
    stride *= dims[d];
  }
  return result;
}

// Number of taps of each placement along one dim whose coordinate lies in [lo, hi).
std::vector<int64_t> taps_in_range(const PatchGeometry& g, size_t d, int64_t lo, int64_t hi) {
  std::vector<int64_t> counts(static_cast<size_t>(g.grid[d]), 0);
  for (int64_t o = 0; o < g.grid[d]; ++o) {
    for (int64_t k = 0; k < g.kernel[d]; ++k) {
      const int64_t c = o * g.strides[d] - g.pads_begin[d] + k * g.dilations[d];
      if (c >= lo && c < hi) ++counts[static_cast<size_t>(o)];
    }
  }
  return counts;
}
}  // namespace

template <typename T>
void max_pool(const PoolParams& p, const T* x, T* y, int64_t* indices) {
  const PatchWalker walker(p.patch);
  const int64_t in_plane = p.patch.image_size();
  const int64_t out_plane = p.patch.grid_size();
  EDGERUN_OMP(parallel for)
  for (int64_t c = 0; c < p.channels; ++c) {
    const T* in = x + c * in_plane;
    T* out = y + c * out_plane;
    std::vector<int64_t> arg(static_cast<size_t>(out_plane), -1);
    std::fill_n(out, out_plane, std::numeric_limits<T>::lowest());
    walker.walk([&](int64_t, int64_t o, int64_t offset) {
      if (offset >= 0 && (arg[static_cast<size_t>(o)] < 0 || in[offset] > out[o])) {
        out[o] = in[offset];
        arg[static_cast<size_t>(o)] = offset;
      }
    });
    if (indices == nullptr) continue;
    for (int64_t o = 0; o < out_plane; ++o) {
      int64_t a = std::max<int64_t>(arg[static_cast<size_t>(o)], 0);
      if (p.column_major_indices) a = column_major_offset(a, p.patch.image);
      indices[c * out_plane + o] = c * in_plane + a;
    }
  }
}

template <typename T>
void average_pool(const PoolParams& p, const T* x, T* y) {
  const PatchGeometry& g = p.patch;
  const PatchWalker walker(g);
  const int64_t in_plane = g.image_size();
  const int64_t out_plane = g.grid_size();
  // Divisor of every placement: a product over dims of per-dim tap counts.
  std::vector<int64_t> divisor(static_cast<size_t>(out_plane), 1);
  std::vector<int64_t> dim_stride(g.rank(), 1);
  for (size_t d = g.rank(); d-- > 1;) dim_stride[d - 1] = dim_stride[d] * g.grid[d];
  for (size_t d = 0; d < g.rank(); ++d) {
    const std::vector<int64_t> counts = p.count_include_pad
                                            ? taps_in_range(g, d, -g.pads_begin[d], g.image[d] + p.pads_end[d])
                                            : taps_in_range(g, d, 0, g.image[d]);
    for (int64_t o = 0; o < out_plane; ++o) {
      divisor[static_cast<size_t>(o)] *= counts[static_cast<size_t>(o / dim_stride[d] % g.grid[d])];
    }
  }
  EDGERUN_OMP(parallel for)
  for (int64_t c = 0; c < p.channels; ++c) {
    const T* in = x + c * in_plane;
    T* out = y + c * out_plane;
    std::vector<double> sum(static_cast<size_t>(out_plane), 0.0);
    walker.walk([&](int64_t, int64_t o, int64_t offset) {
      if (offset >= 0) sum[static_cast<size_t>(o)] += static_cast<double>(in[offset]);
    });
    for (int64_t o = 0; o < out_plane; ++o) {
      const int64_t n = divisor[static_cast<size_t>(o)];
      out[o] = static_cast<T>(n > 0 ? sum[static_cast<size_t>(o)] / static_cast<double>(n) : 0.0);
    }
  }
}

template <typename T>
void global_average_pool(int64_t channels, int64_t plane, const T* x, T* y) {
  for (int64_t c = 0; c < channels; ++c) {
    double sum = 0.0;
    for (int64_t i = 0; i < plane; ++i) sum += static_cast<double>(x[c * plane + i]);
    y[c] = static_cast<T>(plane > 0 ? sum / static_cast<double>(plane) : 0.0);
  }
}

template <typename T>
void global_max_pool(int64_t channels, int64_t plane, const T* x, T* y) {
  for (int64_t c = 0; c < channels; ++c) {
    T m = std::numeric_limits<T>::lowest();
    for (int64_t i = 0; i < plane; ++i) m = std::max(m, x[c * plane + i]);
    y[c] = m;
  }
}

#define EDGERUN_POOL_INSTANTIATE(T)                                                     \
  template void max_pool<T>(const PoolParams&, const T*, T*, int64_t*);               \
  template void average_pool<T>(const PoolParams&, const T*, T*);                     \
  template void global_average_pool<T>(int64_t, int64_t, const T*, T*);               \
  template void global_max_pool<T>(int64_t, int64_t, const T*, T*);
EDGERUN_POOL_INSTANTIATE(float)
EDGERUN_POOL_INSTANTIATE(double)
EDGERUN_POOL_INSTANTIATE(int8_t)
EDGERUN_POOL_INSTANTIATE(uint8_t)
#undef EDGERUN_POOL_INSTANTIATE

}  // namespace edgerun::ref
