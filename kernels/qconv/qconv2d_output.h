// What every entry of the qconv2d family prepares at create from Conv2dShape + QConv2dParams: the
// validated shape and the per-channel output tables (kernels/qgemm/quant_output.h, shared with the
// GEMM families), so the reference and the fast entries read one description and cannot disagree.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "graph/status.h"
#include "kernels/qconv/qconv2d.h"
#include "kernels/qgemm/quant_output.h"
#include "kernels/x86/qconv/qs8_conv2d.h"

namespace edgerun::kernels {

// Errors: a shape with non-positive sizes or channels not divisible by groups, a scale count other
// than 1 or out_channels, a bias count other than 0 or out_channels, a scale that cannot be
// requantized (uint8) or is not finite (float), lo > hi, min > max.
Result<QuantOutputTables> make_qconv_output_tables(const Conv2dShape& shape, const QConv2dParams& params);

// The output-stage fields of a microkernel call (x86::QConvUkernelParams) whose row 0 is channel c0
// and whose element (0, 0) is output element `offset` of y (uint8 or float) and of the residual.
void set_qconv_output(const QuantOutputTables& t, int64_t c0, int64_t offset, void* y, const float* residual,
                      x86::QConvUkernelParams* p);

// Output element of channel c from its accumulator with the bias added (wrapping int32), as the
// reference computes it; vector variants do the same operations in the same order.
inline uint8_t qconv_output_u8(const QuantOutputTables& t, int64_t c, int32_t acc) {
  const auto i = static_cast<size_t>(c);
  const Requantization& q = t.requant;
  return static_cast<uint8_t>(requantize(acc, FixedPointScale{q.multiplier[i], q.shift[i]}, q.zero_point, q.lo, q.hi));
}
inline float qconv_output_f32(const QuantOutputTables& t, int64_t c, int32_t acc, float residual) {
  float v = static_cast<float>(acc) * t.scale[static_cast<size_t>(c)];
  if (t.epilogue.residual) v = v + residual;
  return std::min(std::max(v, t.epilogue.min), t.epilogue.max);
}

}  // namespace edgerun::kernels
