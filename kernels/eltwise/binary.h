// The f32 broadcasting binary family: Add, Sub, Mul, Div with numpy broadcasting.
// The vectorised entries handle every broadcast whose innermost run (after merging adjacent dims that
// broadcast alike) is long: same shapes, a scalar operand, a per-channel [C,1,1] operand against
// [N,C,H,W], a row vector [n] against [m,n]; other shapes go to the reference entry. Results are the
// IEEE results of the reference, bit for bit.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/backend.h"
#include "kernels/cpu_features.h"

namespace edgerun::kernels {

enum class BinaryOp { kAdd, kSub, kMul, kDiv };

struct BinaryShape {
  BinaryOp op = BinaryOp::kAdd;
  // Operand shapes broadcastable to y (checked by shape inference, not here).
  const std::vector<int64_t>* a = nullptr;
  const std::vector<int64_t>* b = nullptr;
  const std::vector<int64_t>* y = nullptr;
};

struct BinaryF32Impl {
  const char* name;
  Isa isa;
  Backend backend;
  bool (*supports)(const BinaryShape& shape);  // null: every shape
  // y = op(a, b) broadcast, threaded over rows or blocks when large. y may alias an operand of y's shape.
  void (*run)(const BinaryShape& shape, const float* a, const float* b, float* y);
};

const std::vector<BinaryF32Impl>& binary_f32_impls();

}  // namespace edgerun::kernels
