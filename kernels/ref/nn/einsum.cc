#include "kernels/ref/nn/einsum.h"

#include <cstddef>
#include <type_traits>

#include "kernels/ref/omp.h"

namespace edgerun::ref {

namespace {
template <typename T>
using EinsumAcc = std::conditional_t<std::is_floating_point_v<T>, double, uint64_t>;

template <typename T>
EinsumAcc<T> widen(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<double>(v);
  } else {
    return static_cast<uint64_t>(static_cast<int64_t>(v));
  }
}
}  // namespace

template <typename T>
void einsum(const EinsumParams& p, const T* const* inputs, T* y) {
  using Acc = EinsumAcc<T>;
  const size_t n_ops = p.strides.size();
  const size_t n_out = p.out_dims.size();
  const size_t n_sum = p.sum_dims.size();
  int64_t total_out = 1, total_sum = 1;
  for (int64_t d : p.out_dims) total_out *= d;
  for (int64_t d : p.sum_dims) total_sum *= d;
  EDGERUN_OMP(parallel for if (total_out * total_sum > 4096))
  for (int64_t o = 0; o < total_out; ++o) {
    std::vector<int64_t> offset(n_ops, 0);
    int64_t rest = o;
    for (size_t d = n_out; d-- > 0;) {
      const int64_t i = rest % p.out_dims[d];
      rest /= p.out_dims[d];
      for (size_t k = 0; k < n_ops; ++k) offset[k] += i * p.strides[k][d];
    }
    std::vector<int64_t> index(n_sum, 0);
    Acc sum = Acc(0);
    for (int64_t s = 0; s < total_sum; ++s) {
      Acc prod = widen(inputs[0][offset[0]]);
      for (size_t k = 1; k < n_ops; ++k) prod *= widen(inputs[k][offset[k]]);
      sum += prod;
      for (size_t d = n_sum; d-- > 0;) {
        for (size_t k = 0; k < n_ops; ++k) offset[k] += p.strides[k][n_out + d];
        if (++index[d] < p.sum_dims[d]) break;
        for (size_t k = 0; k < n_ops; ++k) offset[k] -= p.strides[k][n_out + d] * p.sum_dims[d];
        index[d] = 0;
      }
    }
    y[o] = static_cast<T>(sum);
  }
}

#define EDGERUN_EINSUM_INSTANTIATE(T) template void einsum<T>(const EinsumParams&, const T* const*, T*);
EDGERUN_EINSUM_INSTANTIATE(float)
EDGERUN_EINSUM_INSTANTIATE(double)
EDGERUN_EINSUM_INSTANTIATE(int32_t)
EDGERUN_EINSUM_INSTANTIATE(int64_t)
EDGERUN_EINSUM_INSTANTIATE(uint32_t)
EDGERUN_EINSUM_INSTANTIATE(uint64_t)
#undef EDGERUN_EINSUM_INSTANTIATE

}  // namespace edgerun::ref
