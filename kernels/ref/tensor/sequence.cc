#include "kernels/ref/tensor/sequence.h"

#include <algorithm>
#include <vector>

#include "kernels/ref/tensor/types.h"

namespace edgerun::ref {

template <typename T>
void cumsum(const CumSumParams& p, const T* x, T* dst) {
  const int64_t step = p.reverse ? -p.inner : p.inner;
  for (int64_t o = 0; o < p.outer; ++o) {
    for (int64_t i = 0; i < p.inner; ++i) {
      int64_t at = o * p.axis_dim * p.inner + i + (p.reverse ? (p.axis_dim - 1) * p.inner : 0);
      T acc = T(0);
      for (int64_t j = 0; j < p.axis_dim; ++j, at += step) {
        if (p.exclusive) {
          dst[at] = acc;
          acc = static_cast<T>(acc + x[at]);
        } else {
          acc = static_cast<T>(acc + x[at]);
          dst[at] = acc;
        }
      }
    }
  }
}

template <typename T>
void topk(const TopKParams& p, const T* x, T* values, int64_t* indices) {
  std::vector<int64_t> order(static_cast<size_t>(p.axis_dim));
  const auto k = static_cast<size_t>(p.k);
  for (int64_t o = 0; o < p.outer; ++o) {
    for (int64_t i = 0; i < p.inner; ++i) {
      const T* col = x + o * p.axis_dim * p.inner + i;
      for (size_t j = 0; j < order.size(); ++j) order[j] = static_cast<int64_t>(j);
      // NaN ranks above every number (first when largest, last otherwise), keeping the order strict.
      auto before = [&](int64_t a, int64_t b) {
        const T va = col[a * p.inner], vb = col[b * p.inner];
        const bool na = va != va, nb = vb != vb;
        if (na || nb) {
          if (na == nb) return a < b;
          return p.largest ? na : nb;
        }
        if (va != vb) return p.largest ? va > vb : va < vb;
        return a < b;
      };
      std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(), before);
      for (size_t j = 0; j < k; ++j) {
        const int64_t at = (o * p.k + static_cast<int64_t>(j)) * p.inner + i;
        values[at] = col[order[j] * p.inner];
        indices[at] = order[j];
      }
    }
  }
}

template <typename T>
void range(T start, T delta, int64_t n, T* dst) {
  for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<T>(start + static_cast<T>(i) * delta);
}

#define EDGERUN_INSTANTIATE(T)                                   \
  template void cumsum<T>(const CumSumParams&, const T*, T*);    \
  template void topk<T>(const TopKParams&, const T*, T*, int64_t*); \
  template void range<T>(T, T, int64_t, T*);
EDGERUN_REF_NUMERIC_TYPES(EDGERUN_INSTANTIATE)
#undef EDGERUN_INSTANTIATE

}  // namespace edgerun::ref
