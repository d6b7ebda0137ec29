// Element-type sets of the element-wise ops, as bit masks over DType, shared by their shape inference
// (which validates input types) and their run glue (which instantiates kernels for exactly these types).
#pragma once

#include <cstdint>

#include "graph/dtype.h"
#include "graph/shape.h"

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

// PRelu before opset 7 applies a 1-D slope of size C per channel (axis 1), as old PyTorch exports
// expect; from opset 7 the slope broadcasts numpy-style. Returns the slope shape to broadcast.
inline Shape prelu_slope_shape(int opset, const Shape& x, const Shape& slope) {
  if (opset >= 7 || slope.size() != 1 || x.size() < 2 || slope[0] != x[1]) return slope;
  Shape per_channel(x.size() - 1, 1);
  per_channel[0] = slope[0];
  return per_channel;
}

}  // namespace edgerun::ops
