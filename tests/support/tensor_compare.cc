#include "tests/support/tensor_compare.h"

#include <cmath>
#include <sstream>

namespace edgerun::testing {

std::string compare_tensors(const Tensor& actual, const Tensor& expected, const Tolerance& tol) {
  if (actual.dtype() != expected.dtype()) {
    return std::string("dtype ") + dtype_name(actual.dtype()) + ", expected " + dtype_name(expected.dtype());
  }
  if (actual.shape() != expected.shape()) {
    return "shape " + shape_to_string(actual.shape()) + ", expected " + shape_to_string(expected.shape());
  }
  const bool is_float = dtype_is_float(expected.dtype());
  int64_t mismatches = 0;
  std::ostringstream first;
  for (int64_t i = 0; i < expected.num_elements(); ++i) {
    bool ok;
    double a = 0, b = 0;
    if (is_float) {
      a = actual.as_double(i);
      b = expected.as_double(i);
      if (std::isnan(b) || std::isnan(a)) {
        ok = std::isnan(a) && std::isnan(b);
      } else if (std::isinf(b) || std::isinf(a)) {
        ok = a == b;
      } else {
        ok = std::fabs(a - b) <= tol.atol + tol.rtol * std::fabs(b);
      }
    } else {
      ok = actual.as_int64(i) == expected.as_int64(i) && (expected.dtype() != DType::kU64 ||
           actual.data<uint64_t>()[i] == expected.data<uint64_t>()[i]);
      a = static_cast<double>(actual.as_int64(i));
      b = static_cast<double>(expected.as_int64(i));
    }
    if (!ok && mismatches++ == 0) {
      first.precision(9);
      first << "element " << i << " is " << a << ", expected " << b;
    }
  }
  if (mismatches == 0) return "";
  return first.str() + " (" + std::to_string(mismatches) + " of " + std::to_string(expected.num_elements()) +
         " elements differ)";
}

double max_abs_error(const Tensor& actual, const Tensor& expected) {
  double worst = 0;
  for (int64_t i = 0; i < expected.num_elements() && i < actual.num_elements(); ++i) {
    worst = std::fmax(worst, std::fabs(actual.as_double(i) - expected.as_double(i)));
  }
  return worst;
}

}  // namespace edgerun::testing
