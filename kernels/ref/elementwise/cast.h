// Element type conversion (Cast). Float to integer is defined for every input, although ONNX leaves
// out-of-range values undefined (and C++ makes them UB): NaN gives 0 and out-of-range values saturate.
// Integer to narrower integer wraps (two's complement); anything to bool is `x != 0`.
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

namespace edgerun::ref {

template <typename D, typename S>
D convert(S x) {
  if constexpr (std::is_same_v<D, bool>) {
    return x != S(0);
  } else if constexpr (std::is_floating_point_v<S> && std::is_integral_v<D>) {
    if (!(x == x)) return D(0);
    // Both limits are powers of two (or zero) as floats, so these comparisons are exact.
    if (x <= static_cast<S>(std::numeric_limits<D>::lowest())) return std::numeric_limits<D>::lowest();
    if (x >= static_cast<S>(std::numeric_limits<D>::max())) return std::numeric_limits<D>::max();
    return static_cast<D>(x);
  } else {
    return static_cast<D>(x);
  }
}

template <typename S, typename D>
void cast(const S* x, D* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = convert<D>(x[i]);
}

}  // namespace edgerun::ref
