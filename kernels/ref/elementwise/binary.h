// Broadcasting binary and ternary element-wise reference kernels, and the functors of the binary ops.
// Integer arithmetic wraps and never divides by zero (see int_math.h).
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "kernels/ref/elementwise/broadcast_rows.h"
#include "kernels/ref/elementwise/cast.h"
#include "kernels/ref/elementwise/int_math.h"

namespace edgerun::ref {

using Dims = std::vector<int64_t>;

// y = op(a, b) with numpy broadcasting of a and b to y's shape `ys`. y may alias an operand whose shape
// equals ys.
template <typename TA, typename TB, typename TY, typename Op>
void binary(const TA* a, const Dims& as, const TB* b, const Dims& bs, TY* y, const Dims& ys, const Op& op) {
  if (as == ys && bs == ys) {
    int64_t n = 1;
    for (int64_t d : ys) n *= d;
    for (int64_t i = 0; i < n; ++i) y[i] = op(a[i], b[i]);
    return;
  }
  const Dims in[2] = {as, bs};
  for_each_broadcast_row(ys, in, [&](int64_t o, const int64_t* off, int64_t row, const int64_t* st) {
    const TA* pa = a + off[0];
    const TB* pb = b + off[1];
    TY* py = y + o;
    const int64_t sa = st[0], sb = st[1];
    for (int64_t i = 0; i < row; ++i) py[i] = op(pa[i * sa], pb[i * sb]);
  });
}

// y = x broadcast to ys (Expand; the first operand of a variadic op).
template <typename T>
void broadcast_copy(const T* x, const Dims& xs, T* y, const Dims& ys) {
  const Dims in[1] = {xs};
  for_each_broadcast_row(ys, in, [&](int64_t o, const int64_t* off, int64_t row, const int64_t* st) {
    for (int64_t i = 0; i < row; ++i) y[o + i] = x[off[0] + i * st[0]];
  });
}

// y = cond ? a : b with broadcasting of all three.
template <typename T>
void where(const bool* cond, const Dims& cs, const T* a, const Dims& as, const T* b, const Dims& bs, T* y,
           const Dims& ys) {
  const Dims in[3] = {cs, as, bs};
  for_each_broadcast_row(ys, in, [&](int64_t o, const int64_t* off, int64_t row, const int64_t* st) {
    for (int64_t i = 0; i < row; ++i) {
      y[o + i] = cond[off[0] + i * st[0]] ? a[off[1] + i * st[1]] : b[off[2] + i * st[2]];
    }
  });
}

// Arithmetic.
struct AddOp {
  template <typename T>
  T operator()(T a, T b) const {
    return wrap_add(a, b);
  }
};
struct SubOp {
  template <typename T>
  T operator()(T a, T b) const {
    return wrap_sub(a, b);
  }
};
struct MulOp {
  template <typename T>
  T operator()(T a, T b) const {
    return wrap_mul(a, b);
  }
};
struct DivOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>)
      return int_div(a, b);
    else
      return a / b;
  }
};
// fmod = true: sign of the dividend (C fmod); false: sign of the divisor (Python), integers only.
struct ModOp {
  bool fmod = false;
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>)
      return fmod ? int_rem(a, b) : int_mod(a, b);
    else
      return std::fmod(a, b);
  }
};
// Result in the base's type (ONNX Pow-15 allows a different exponent type). x^2 (LayerNorm's variance)
// is one correctly rounded multiply, as pow's result is: same value, a tenth of the time.
struct PowOp {
  template <typename T, typename E>
  T operator()(T a, E b) const {
    if constexpr (std::is_integral_v<T> && std::is_integral_v<E>)
      return int_pow(a, b);
    else if constexpr (std::is_same_v<T, float> && std::is_same_v<E, float>)
      return b == 2.0f ? a * a : std::pow(a, b);
    else
      return convert<T>(std::pow(static_cast<double>(a), static_cast<double>(b)));
  }
};
struct PReluOp {
  template <typename T>
  T operator()(T x, T slope) const {
    return x < T(0) ? wrap_mul(slope, x) : x;
  }
};
// NaN propagates, as numpy.maximum / numpy.minimum.
struct MaxOp {
  template <typename T>
  T operator()(T a, T b) const {
    return a != a ? a : (b != b || b > a) ? b : a;
  }
};
struct MinOp {
  template <typename T>
  T operator()(T a, T b) const {
    return a != a ? a : (b != b || b < a) ? b : a;
  }
};
using SumOp = AddOp;
// Mean folds like Sum; the caller divides by the input count.
struct MeanOp : AddOp {};
// Shifts by the type's width or more give 0 (they are UB in C++).
struct BitShiftOp {
  bool left = true;
  template <typename T>
  T operator()(T a, T b) const {
    if (b >= static_cast<T>(sizeof(T) * 8)) return T(0);
    using U = WideUnsigned<T>;
    return static_cast<T>(left ? static_cast<U>(a) << b : static_cast<U>(a) >> b);
  }
};

// Comparisons and logic: bool results.
#define EDGERUN_REF_PREDICATE(Name, expr) \
  struct Name##Op {                       \
    template <typename T>                 \
    bool operator()(T a, T b) const {     \
      return expr;                        \
    }                                     \
  };
EDGERUN_REF_PREDICATE(Equal, a == b)
EDGERUN_REF_PREDICATE(Less, a < b)
EDGERUN_REF_PREDICATE(LessOrEqual, a <= b)
EDGERUN_REF_PREDICATE(Greater, a > b)
EDGERUN_REF_PREDICATE(GreaterOrEqual, a >= b)
EDGERUN_REF_PREDICATE(And, a&& b)
EDGERUN_REF_PREDICATE(Or, a || b)
EDGERUN_REF_PREDICATE(Xor, a != b)
#undef EDGERUN_REF_PREDICATE

}  // namespace edgerun::ref
