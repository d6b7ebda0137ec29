// What every entry of the qconv2d family prepares at create from Conv2dShape + QConv2dParams: the
// validated shape and the per-channel output tables (bias, fixed-point or float scale), so the
// reference and the fast entries read one description and cannot disagree on it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "graph/status.h"
#include "kernels/qconv/qconv2d.h"
#include "kernels/qgemm/requantize.h"

namespace edgerun::kernels {

struct QConvOutputTables {
  bool float_output = false;
  std::vector<int32_t> bias;               // [out_channels]: zeros when the params have none
  std::vector<int32_t> multiplier, shift;  // uint8 out: channel c's FixedPointScale
  std::vector<float> scale;                // float out: [out_channels]
  int32_t zero_point = 0, lo = 0, hi = 255;
  Epilogue epilogue;
};

// Errors: a shape with non-positive sizes or channels not divisible by groups, a scale count other
// than 1 or out_channels, a bias count other than 0 or out_channels, a scale that cannot be
// requantized (uint8) or is not finite (float), lo > hi, min > max.
Result<QConvOutputTables> make_qconv_output_tables(const Conv2dShape& shape, const QConv2dParams& params);

// Output element of channel c from its accumulator with the bias added (wrapping int32), as the
// reference computes it; vector variants do the same operations in the same order.
inline uint8_t qconv_output_u8(const QConvOutputTables& t, int64_t c, int32_t acc) {
  const auto i = static_cast<size_t>(c);
  return static_cast<uint8_t>(requantize(acc, FixedPointScale{t.multiplier[i], t.shift[i]}, t.zero_point, t.lo, t.hi));
}
inline float qconv_output_f32(const QConvOutputTables& t, int64_t c, int32_t acc, float residual) {
  float v = static_cast<float>(acc) * t.scale[static_cast<size_t>(c)];
  if (t.epilogue.residual) v = v + residual;
  return std::min(std::max(v, t.epilogue.min), t.epilogue.max);
}

}  // namespace edgerun::kernels
