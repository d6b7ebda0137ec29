// Reference Einsum: a sum of products over strided operands. Every output element is
//   out[o] = sum over the summed index s of  prod_k in_k[o . strides_k(out) + s . strides_k(sum)],
// so diagonals (a label repeated in one operand: its strides added) and broadcasting (stride 0) need
// no special case.
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "kernels/ref/omp.h"

namespace edgerun::ref {

struct EinsumParams {
  std::vector<int64_t> out_dims;  // the output's shape
  std::vector<int64_t> sum_dims;  // the summed labels' sizes; the last one is the innermost loop
  // Per operand: its element stride along every output dim, then along every summed dim.
  std::vector<std::vector<int64_t>> strides;
};

// Floats accumulate in their own type; integers in the unsigned type of their width, so that
// overflow wraps instead of being undefined.
template <typename T, bool = std::is_integral_v<T>>
struct EinsumAccOf {
  using type = T;
};
template <typename T>
struct EinsumAccOf<T, true> {
  using type = std::make_unsigned_t<T>;
};

// inputs[k] points at operand k (one per entry of p.strides); out has prod(out_dims) elements.
// Output elements are independent and each sums in a fixed order, so any thread count gives the same
// result.
template <typename T>
void einsum(const EinsumParams& p, const T* const* inputs, T* out) {
  using Acc = typename EinsumAccOf<T>::type;
  const size_t ops = p.strides.size();
  const size_t out_rank = p.out_dims.size();
  const size_t sum_rank = p.sum_dims.size();
  int64_t n_out = 1, n_sum = 1;
  for (int64_t d : p.out_dims) n_out *= d;
  for (int64_t d : p.sum_dims) n_sum *= d;
  if (n_out == 0) return;
  if (n_sum == 0 || ops == 0) {
    std::fill_n(out, n_out, T(0));
    return;
  }
  const int64_t inner = sum_rank > 0 ? p.sum_dims.back() : 1;
  constexpr int64_t kBlock = 256;
  const int64_t blocks = (n_out + kBlock - 1) / kBlock;
  EDGERUN_OMP(parallel for schedule(static) if (blocks > 1 && n_out * n_sum > (int64_t{1} << 16)))
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t begin = b * kBlock, end = std::min(n_out, begin + kBlock);
    std::vector<int64_t> out_idx(out_rank), sum_idx(sum_rank), base(ops, 0), off(ops), step(ops);
    for (size_t k = 0; k < ops; ++k) step[k] = sum_rank > 0 ? p.strides[k][out_rank + sum_rank - 1] : 0;
    for (int64_t rest = begin, a = static_cast<int64_t>(out_rank) - 1; a >= 0; --a) {
      out_idx[static_cast<size_t>(a)] = rest % p.out_dims[static_cast<size_t>(a)];
      rest /= p.out_dims[static_cast<size_t>(a)];
      for (size_t k = 0; k < ops; ++k) base[k] += out_idx[static_cast<size_t>(a)] * p.strides[k][static_cast<size_t>(a)];
    }
    for (int64_t o = begin; o < end; ++o) {
      Acc acc = Acc(0);
      std::fill(sum_idx.begin(), sum_idx.end(), 0);
      off = base;
      for (int64_t s = 0; s < n_sum; s += inner) {
        if (ops == 1) {
          const T* x = inputs[0] + off[0];
          for (int64_t j = 0; j < inner; ++j) acc += static_cast<Acc>(x[j * step[0]]);
        } else if (ops == 2) {
          const T* x = inputs[0] + off[0];
          const T* y = inputs[1] + off[1];
          for (int64_t j = 0; j < inner; ++j) acc += static_cast<Acc>(static_cast<Acc>(x[j * step[0]]) * static_cast<Acc>(y[j * step[1]]));
        } else {
          for (int64_t j = 0; j < inner; ++j) {
            Acc prod = static_cast<Acc>(inputs[0][off[0] + j * step[0]]);
            for (size_t k = 1; k < ops; ++k) prod = static_cast<Acc>(prod * static_cast<Acc>(inputs[k][off[k] + j * step[k]]));
            acc += prod;
          }
        }
        // Next position of the summed dims other than the innermost one.
        for (int64_t a = static_cast<int64_t>(sum_rank) - 2; a >= 0; --a) {
          const size_t d = static_cast<size_t>(a);
          for (size_t k = 0; k < ops; ++k) off[k] += p.strides[k][out_rank + d];
          if (++sum_idx[d] < p.sum_dims[d]) break;
          for (size_t k = 0; k < ops; ++k) off[k] -= sum_idx[d] * p.strides[k][out_rank + d];
          sum_idx[d] = 0;
        }
      }
      out[o] = static_cast<T>(acc);
      for (int64_t a = static_cast<int64_t>(out_rank) - 1; a >= 0; --a) {
        const size_t d = static_cast<size_t>(a);
        for (size_t k = 0; k < ops; ++k) base[k] += p.strides[k][d];
        if (++out_idx[d] < p.out_dims[d]) break;
        for (size_t k = 0; k < ops; ++k) base[k] -= out_idx[d] * p.strides[k][d];
        out_idx[d] = 0;
      }
    }
  }
}

}  // namespace edgerun::ref
