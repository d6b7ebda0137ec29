// What the INT8 ops' run functions and prepared kernels read from a node: the shared output
// description (kernels/qgemm/quant_output.h) from the scale, zero point and bias inputs and the fused
// ReLU / Clip.
#pragma once

#include <cstdint>
#include <vector>

#include "graph/status.h"

#include "engine/ops/kernel_context.h"
#include "kernels/qgemm/quant_output.h"
#include "kernels/ref/activation.h"

namespace edgerun::ops {

// Input indices of a QConv / QMatMul's quantization parameters (graph/ops/quant_int8.h).
struct QuantInputs {
  size_t x_scale, w_scale, bias, residual, y_scale;  // y_zero_point is y_scale + 1
};

struct QuantOutputSetup {
  kernels::QuantOutput output;
  bool applies_activation = false;  // the fused activation became the output clamp
};

// The output of channel c = x_scale * w_scale[c] (/ y_scale for uint8); the activation is applied when
// it is a ReLU / Clip (always possible for uint8 outputs: the lowering fuses nothing else there).
Result<QuantOutputSetup> quant_output_setup(const KernelContext& ctx, const QuantInputs& in,
                                            const ref::ActivationParams& activation);

uint8_t zero_point_u8(const KernelContext& ctx, size_t i);

// A fused ReLU / Clip as bounds on the uint8 codes of the output whose scale is input y_scale (zero
// point y_scale + 1): round(clamp(v)) = clamp(round(v)) since rounding is monotonic. Error for any
// other activation.
struct Uint8Clamp {
  uint8_t lo = 0, hi = 255;
};
Result<Uint8Clamp> uint8_clamp(const KernelContext& ctx, size_t y_scale, const ref::ActivationParams& activation);


}  // namespace edgerun::ops
