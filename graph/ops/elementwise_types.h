// Element-type sets of the element-wise ops, as bit masks over DType, shared by their shape inference
// (which validates input types) and their run glue (which instantiates kernels for exactly these types).
#pragma once

#include <cstdint>

#include "graph/dtype.h"

namespace edgerun::ops {

constexpr uint32_t type_bit(DType t) { return uint32_t{1} << static_cast<int>(t); }

constexpr uint32_t kFloatTypes = type_bit(DType::kF16) | type_bit(DType::kF32) | type_bit(DType::kF64);
constexpr uint32_t kSignedIntTypes =
    type_bit(DType::kI8) | type_bit(DType::kI16) | type_bit(DType::kI32) | type_bit(DType::kI64);
constexpr uint32_t kUnsignedIntTypes =
    type_bit(DType::kU8) | type_bit(DType::kU16) | type_bit(DType::kU32) | type_bit(DType::kU64);
constexpr uint32_t kIntTypes = kSignedIntTypes | kUnsignedIntTypes;
constexpr uint32_t kSignedTypes = kFloatTypes | kSignedIntTypes;
constexpr uint32_t kNumericTypes = kFloatTypes | kIntTypes;
constexpr uint32_t kBoolTypes = type_bit(DType::kBool);
constexpr uint32_t kAllTypes = kNumericTypes | kBoolTypes;

inline bool type_in(DType t, uint32_t mask) {
  const int i = static_cast<int>(t);
  return i >= 0 && i < 32 && (mask & type_bit(t)) != 0;
}

}  // namespace edgerun::ops
