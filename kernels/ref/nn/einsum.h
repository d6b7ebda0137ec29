// Reference Einsum as one direct loop: every output element is the sum, over all combinations of the
// summed labels, of the product of one element of each operand. Operands are addressed by per-label
// strides, so repeated labels (diagonals), transposes and broadcast dims (stride 0) need no copies.
#pragma once

#include <cstdint>
#include <vector>

namespace edgerun::ref {

struct EinsumParams {
  std::vector<int64_t> out_dims;  // output shape (the kept labels, in output order)
  std::vector<int64_t> sum_dims;  // sizes of the summed labels
  // strides[i]: operand i's element stride for each out dim, then each sum dim.
  std::vector<std::vector<int64_t>> strides;
};

// Floats accumulate in double; integers in 64 bits with wrap-around.
template <typename T>
void einsum(const EinsumParams& p, const T* const* inputs, T* y);

}  // namespace edgerun::ref
