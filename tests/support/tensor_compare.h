// Compares a computed tensor with an expected one: same dtype and shape; floats within
// |a - b| <= atol + rtol * |b| (NaN matches NaN, infinities must match exactly); others exact.
#pragma once

#include <string>

#include "graph/tensor.h"

namespace edgerun::testing {

struct Tolerance {
  double rtol = 1e-4;
  double atol = 1e-5;
};

// Empty string when they agree; otherwise the first disagreement, readable.
std::string compare_tensors(const Tensor& actual, const Tensor& expected, const Tolerance& tol);

// Largest |a - b| over all elements (for reporting end-to-end error figures).
double max_abs_error(const Tensor& actual, const Tensor& expected);

}  // namespace edgerun::testing
