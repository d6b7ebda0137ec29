// What an INT8 kernel (u8 x s8 conv / GEMM) does with its int32 accumulators before storing, shared by
// the qconv2d and qgemm families so QLinearConv / QLinearMatMul (uint8 out) and ConvIntegerToFloat /
// MatMulIntegerToFloat (float out, as ONNX Runtime's contrib op) use one description:
//   uint8 out: y = clamp(requantize(acc + bias[c], scale[c]) + zero_point, lo, hi)
//              scale[c] = x_scale * w_scale[c] / y_scale; lo/hi carry a fused ReLU (lo = zero_point)
//              or Clip; requantize is kernels/qgemm/requantize.h, bit exact in every variant.
//   float out: y = clamp(float(acc + bias[c]) * scale[c] + residual, epilogue.min, epilogue.max)
//              scale[c] = x_scale * w_scale[c]
// c is the output channel (conv) or column (GEMM). acc already has the activation zero point
// removed: acc = sum_k (x - x_zero_point) * w.
#pragma once

#include <cstdint>
#include <vector>

#include "graph/status.h"
#include "kernels/epilogue.h"
#include "kernels/qgemm/requantize.h"

namespace edgerun::kernels {

struct QuantOutput {
  std::vector<float> scale;   // one per output channel, or one value for all
  std::vector<int32_t> bias;  // one per output channel (int32 at scale x_scale * w_scale[c]); empty: none
  bool float_output = false;
  // uint8 output
  uint8_t zero_point = 0, lo = 0, hi = 255;
  // float output: residual (a float tensor shaped like y, may alias it) and clamp
  Epilogue epilogue;

  float channel_scale(int64_t c) const { return scale.size() == 1 ? scale[0] : scale[static_cast<size_t>(c)]; }
  int32_t channel_bias(int64_t c) const { return bias.empty() ? 0 : bias[static_cast<size_t>(c)]; }
};

// A QuantOutput checked and expanded to one entry per channel: what every INT8 output stage reads.
struct QuantOutputTables {
  bool float_output = false;
  std::vector<int32_t> bias;  // [channels]: zeros when the output has none
  Requantization requant;     // uint8 output: each channel's fixed-point scale, zero point, lo, hi
  std::vector<float> scale;   // float output: [channels]
  Epilogue epilogue;          // float output: residual and clamp
};

// Errors (naming `who`): a scale count other than 1 or channels, a bias count other than 0 or channels,
// a uint8 scale that cannot be requantized (quantize_multiplier) or lo > hi, a float scale that is not
// finite or min > max.
Result<QuantOutputTables> expand_quant_output(const QuantOutput& out, int64_t channels, const char* who);

}  // namespace edgerun::kernels
