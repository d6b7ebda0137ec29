// Unary element-wise reference kernels: one loop, and one functor per op. A functor is a template over
// the element type; the run glue instantiates it for the types the op accepts. Activations that take
// attributes carry them as float members (ONNX attributes are float) and compute in the element type.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "kernels/ref/elementwise/cast.h"
#include "kernels/ref/elementwise/int_math.h"

namespace edgerun::ref {

// y[i] = op(x[i]) for i < n. y may alias x.
template <typename TX, typename TY, typename Op>
void unary(const TX* x, TY* y, int64_t n, const Op& op) {
  for (int64_t i = 0; i < n; ++i) y[i] = op(x[i]);
}

// Math functions on floats (float or double).
#define EDGERUN_REF_FLOAT_UNARY(Name, expr) \
  struct Name##Op {                         \
    template <typename T>                   \
    T operator()(T x) const {               \
      return expr;                          \
    }                                       \
  };
EDGERUN_REF_FLOAT_UNARY(Exp, std::exp(x))
EDGERUN_REF_FLOAT_UNARY(Log, std::log(x))
EDGERUN_REF_FLOAT_UNARY(Sqrt, std::sqrt(x))
EDGERUN_REF_FLOAT_UNARY(Reciprocal, T(1) / x)
EDGERUN_REF_FLOAT_UNARY(Floor, std::floor(x))
EDGERUN_REF_FLOAT_UNARY(Ceil, std::ceil(x))
EDGERUN_REF_FLOAT_UNARY(Round, std::nearbyint(x))  // half to even in the default rounding mode
EDGERUN_REF_FLOAT_UNARY(Tanh, std::tanh(x))
EDGERUN_REF_FLOAT_UNARY(Sin, std::sin(x))
EDGERUN_REF_FLOAT_UNARY(Cos, std::cos(x))
EDGERUN_REF_FLOAT_UNARY(Tan, std::tan(x))
EDGERUN_REF_FLOAT_UNARY(Asin, std::asin(x))
EDGERUN_REF_FLOAT_UNARY(Acos, std::acos(x))
EDGERUN_REF_FLOAT_UNARY(Atan, std::atan(x))
EDGERUN_REF_FLOAT_UNARY(Sinh, std::sinh(x))
EDGERUN_REF_FLOAT_UNARY(Cosh, std::cosh(x))
EDGERUN_REF_FLOAT_UNARY(Asinh, std::asinh(x))
EDGERUN_REF_FLOAT_UNARY(Acosh, std::acosh(x))
EDGERUN_REF_FLOAT_UNARY(Atanh, std::atanh(x))
// exp of a negative argument only, so neither form overflows.
EDGERUN_REF_FLOAT_UNARY(Sigmoid, x >= 0 ? T(1) / (T(1) + std::exp(-x)) : std::exp(x) / (T(1) + std::exp(x)))
EDGERUN_REF_FLOAT_UNARY(Softplus, x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)))
EDGERUN_REF_FLOAT_UNARY(Softsign, x / (T(1) + std::abs(x)))
#undef EDGERUN_REF_FLOAT_UNARY

struct AbsOp {
  template <typename T>
  T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>)
      return std::abs(x);
    else if constexpr (std::is_signed_v<T>)
      return x < 0 ? wrap_neg(x) : x;
    else
      return x;
  }
};
struct NegOp {
  template <typename T>
  T operator()(T x) const {
    return wrap_neg(x);
  }
};
// Sign of NaN is NaN (numpy).
struct SignOp {
  template <typename T>
  T operator()(T x) const {
    return x > T(0) ? T(1) : x < T(0) ? T(-1) : x == T(0) ? T(0) : x;
  }
};
// NaN passes through (ONNX's reference clips to [0, inf]).
struct ReluOp {
  template <typename T>
  T operator()(T x) const {
    return x < T(0) ? T(0) : x;
  }
};
// Integer inputs give erf of the integer, truncated (so -1, 0 or 1).
struct ErfOp {
  template <typename T>
  T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>)
      return std::erf(x);
    else
      return static_cast<T>(std::erf(static_cast<double>(x)));
  }
};
struct NotOp {
  bool operator()(bool x) const { return !x; }
};
struct IsNaNOp {
  template <typename T>
  bool operator()(T x) const {
    return x != x;
  }
};
struct IsInfOp {
  bool detect_negative = true;
  bool detect_positive = true;
  template <typename T>
  bool operator()(T x) const {
    return std::isinf(x) && (x > 0 ? detect_positive : detect_negative);
  }
};

// Activations with attributes.
struct EluOp {
  float alpha = 1.0f;
  template <typename T>
  T operator()(T x) const {
    return x < T(0) ? T(alpha) * std::expm1(x) : x;
  }
};
struct SeluOp {
  float alpha = 1.67326319217681884765625f;
  float gamma = 1.05070102214813232421875f;
  template <typename T>
  T operator()(T x) const {
    return x <= T(0) ? T(gamma) * (T(alpha) * std::expm1(x)) : T(gamma) * x;
  }
};
struct CeluOp {
  float alpha = 1.0f;
  template <typename T>
  T operator()(T x) const {
    return std::max(T(0), x) + std::min(T(0), T(alpha) * std::expm1(x / T(alpha)));
  }
};
struct LeakyReluOp {
  float alpha = 0.01f;
  template <typename T>
  T operator()(T x) const {
    return x < T(0) ? T(alpha) * x : x;
  }
};
struct ThresholdedReluOp {
  float alpha = 1.0f;
  template <typename T>
  T operator()(T x) const {
    return x > T(alpha) ? x : T(0);
  }
};
struct HardSigmoidOp {
  float alpha = 0.2f;
  float beta = 0.5f;
  template <typename T>
  T operator()(T x) const {
    return std::max(T(0), std::min(T(1), T(alpha) * x + T(beta)));
  }
};
// x * HardSigmoid(x) with alpha = 1/6, beta = 1/2, as ONNX defines it.
struct HardSwishOp {
  template <typename T>
  T operator()(T x) const {
    return x * std::max(T(0), std::min(T(1), x / T(6) + T(0.5)));
  }
};
// Computed in double so integer types get ONNX's float attributes; converted back without UB.
struct ShrinkOp {
  float lambd = 0.5f;
  float bias = 0.0f;
  template <typename T>
  T operator()(T x) const {
    const double v = static_cast<double>(x);
    if (v < -static_cast<double>(lambd)) return convert<T>(v + static_cast<double>(bias));
    if (v > static_cast<double>(lambd)) return convert<T>(v - static_cast<double>(bias));
    return T(0);
  }
};
// NaN passes through; min > max gives max (numpy.clip).
// Unbounded by default: +-inf for floats, the type's range for integers.
template <typename T>
struct ClipOp {
  T lo = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
  T hi = std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max();
  T operator()(T x) const { return x < lo ? (lo > hi ? hi : lo) : (x > hi ? hi : x); }
};

}  // namespace edgerun::ref
