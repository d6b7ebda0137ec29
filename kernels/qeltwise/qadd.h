// QLinearAdd (com.microsoft) on uint8: y = clamp(round((a - za) * sa / sy + (b - zb) * sb / sy) + zy,
// lo, hi), lo / hi carrying a fused ReLU (lo = zy) or Clip. Computed in integers, identically in every
// entry and the reference: both ratios become multipliers over one common power of two,
// Ma = round(sa / sy * 2^shift), Mb = round(sb / sy * 2^shift), the larger in [2^20, 2^21], so
//   acc = (a - za) * Ma + (b - zb) * Mb            (|acc| < 2^30: int32, no overflow)
//   y   = clamp(floor((acc + 2^(shift-1) - (acc < 0)) / 2^shift) + zy, lo, hi)
// one rounding, ties away from zero (as kernels/qgemm/requantize.h). Against the float formula it
// differs by at most 1 (the multipliers' relative error is below 2^-20).
// y is viewed as [outer, channels, inner]; a is always full (QLinearAdd commutes: the caller swaps a
// broadcast first operand into b); b is full, one scalar, or one value per channel ([C,1,1] against
// [N,C,H,W]).
#pragma once

#include <cstdint>
#include <vector>

#include "graph/status.h"
#include "kernels/backend.h"
#include "kernels/cpu_features.h"

namespace edgerun::kernels {

enum class QAddBroadcast { kNone, kScalar, kPerChannel };

struct QAddShape {
  int64_t outer = 1, channels = 1, inner = 0;
  QAddBroadcast b = QAddBroadcast::kNone;
  int64_t size() const { return outer * channels * inner; }
};

struct QAddParams {
  float a_scale = 1.0f, b_scale = 1.0f, y_scale = 1.0f;
  uint8_t a_zero_point = 0, b_zero_point = 0, y_zero_point = 0;
  uint8_t lo = 0, hi = 255;
};

// The integer form of QAddParams (see above).
struct QAddQuantization {
  int32_t a_multiplier = 0, b_multiplier = 0, shift = 1;
  int32_t a_zero_point = 0, b_zero_point = 0, y_zero_point = 0, lo = 0, hi = 255;
};

// Errors: a scale not finite or <= 0, a ratio sa / sy or sb / sy of 2^20 or more, lo > hi.
Result<QAddQuantization> make_qadd_quantization(const QAddParams& params);

struct QAddU8Impl {
  const char* name;
  Isa isa;
  Backend backend;
  bool (*supports)(const QAddShape& shape);  // null: every shape
  // a [shape.size()], b as shape.b says, y [shape.size()] (may alias a); threaded when large.
  void (*run)(const QAddShape& shape, const QAddQuantization& q, const uint8_t* a, const uint8_t* b, uint8_t* y);
};

// Best first; the last entry is the reference.
const std::vector<QAddU8Impl>& qadd_u8_impls();

}  // namespace edgerun::kernels
