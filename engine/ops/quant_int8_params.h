// What the INT8 ops' run functions and prepared kernels read from a node: the shared output
// description (kernels/qgemm/quant_output.h) from the scale, zero point and bias inputs and the fused
// ReLU / Clip, and a kernel run with its scratch for the run-function path.
#pragma once

#include <cstdint>
#include <vector>

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

// Runs a family kernel with heap scratch (the run-function path: dynamic shapes, constant folding).
template <typename Kernel, typename... Args>
void run_with_scratch(const Kernel& kernel, Args... args) {
  std::vector<uint8_t> scratch(kernel.scratch_bytes() + 64);
  void* aligned = scratch.data() + (64 - reinterpret_cast<uintptr_t>(scratch.data()) % 64) % 64;
  kernel.run(args..., aligned);
}

}  // namespace edgerun::ops
