// Reference kernels along one axis: CumSum, TopK; and Range.
#pragma once

#include <cstdint>

namespace edgerun::ref {

// x and dst viewed as [outer, axis_dim, inner].
struct CumSumParams {
  int64_t outer = 1, axis_dim = 0, inner = 1;
  bool exclusive = false;  // element i sums the ones before it (after it when reverse)
  bool reverse = false;
};
template <typename T>
void cumsum(const CumSumParams& p, const T* x, T* dst);

// x viewed as [outer, axis_dim, inner]; values and indices as [outer, k, inner]. Results are sorted
// (largest first, or smallest first when !largest); equal values keep the lower index first.
struct TopKParams {
  int64_t outer = 1, axis_dim = 0, inner = 1, k = 0;
  bool largest = true;
};
template <typename T>
void topk(const TopKParams& p, const T* x, T* values, int64_t* indices);

// dst[i] = start + i * delta for i < n.
template <typename T>
void range(T start, T delta, int64_t n, T* dst);

}  // namespace edgerun::ref
