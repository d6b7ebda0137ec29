// Two's-complement integer arithmetic without undefined behaviour. ONNX integer Add/Sub/Mul/Neg wrap on
// overflow, but signed overflow is UB in C++, and small unsigned types promote to (signed) int, so
// 65535 * 65535 in uint16_t would overflow int. Every integer op computes in a wide unsigned type.
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

namespace edgerun::ref {

template <typename T>
using WideUnsigned = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;

template <typename T>
T wrap_add(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(static_cast<WideUnsigned<T>>(a) + static_cast<WideUnsigned<T>>(b));
  } else {
    return a + b;
  }
}

template <typename T>
T wrap_sub(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(static_cast<WideUnsigned<T>>(a) - static_cast<WideUnsigned<T>>(b));
  } else {
    return a - b;
  }
}

template <typename T>
T wrap_mul(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(static_cast<WideUnsigned<T>>(a) * static_cast<WideUnsigned<T>>(b));
  } else {
    return a * b;
  }
}

template <typename T>
T wrap_neg(T a) {
  return wrap_sub(T(0), a);
}

// Truncating division as in C. x / 0 gives 0 (numpy gives 0 with a warning; ONNX leaves it undefined);
// min / -1 wraps to min.
template <typename T>
T int_div(T a, T b) {
  if (b == 0) return 0;
  if constexpr (std::is_signed_v<T>) {
    if (b == -1) return wrap_neg(a);
  }
  return static_cast<T>(a / b);
}

// Remainder with the sign of the dividend (C fmod, ONNX Mod fmod=1). x % 0 gives 0.
template <typename T>
T int_rem(T a, T b) {
  if (b == 0) return 0;
  if constexpr (std::is_signed_v<T>) {
    if (b == -1) return 0;
  }
  return static_cast<T>(a % b);
}

// Remainder with the sign of the divisor (Python / numpy mod, ONNX Mod fmod=0). x mod 0 gives 0.
template <typename T>
T int_mod(T a, T b) {
  T r = int_rem(a, b);
  if constexpr (std::is_signed_v<T>) {
    if (r != 0 && ((r < 0) != (b < 0))) r = static_cast<T>(r + b);
  }
  return r;
}

// a ** b by squaring, wrapping like numpy's integer power. A negative exponent gives the truncated
// value of 1 / a^|b|: 1 for a == 1, +-1 for a == -1, 0 otherwise (a == 0 included, instead of a division
// by zero).
template <typename T, typename E>
T int_pow(T a, E b) {
  if constexpr (std::is_signed_v<E>) {
    if (b < 0) {
      if (a == 1) return 1;
      if constexpr (std::is_signed_v<T>) {
        if (a == -1) return (b & 1) ? T(-1) : T(1);
      }
      return 0;
    }
  }
  using U = WideUnsigned<T>;
  U result = 1;
  U base = static_cast<U>(a);
  auto e = static_cast<std::make_unsigned_t<E>>(b);
  while (e != 0) {
    if (e & 1) result = static_cast<U>(result * base);
    base = static_cast<U>(base * base);
    e >>= 1;
  }
  return static_cast<T>(result);
}

}  // namespace edgerun::ref
