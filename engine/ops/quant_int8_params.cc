#include "engine/ops/quant_int8_params.h"

#include <algorithm>
#include <cmath>

#include "engine/ops/prepared_op.h"

namespace edgerun::ops {

uint8_t zero_point_u8(const KernelContext& ctx, size_t i) {
  return ctx.has_input(i) ? ctx.input(i).data<uint8_t>()[0] : uint8_t{0};
}

namespace {
// The uint8 code of real value v on the output grid, saturated; infinities saturate.
uint8_t code_of(float v, float y_scale, uint8_t zero_point) {
  const double q = std::nearbyint(static_cast<double>(v) / y_scale) + zero_point;
  return static_cast<uint8_t>(std::clamp(q, 0.0, 255.0));
}
}  // namespace

Result<Uint8Clamp> uint8_clamp(const KernelContext& ctx, size_t y_scale, const ref::ActivationParams& activation) {
  kernels::Epilogue clamp;
  if (!activation_as_clamp(activation, &clamp)) return ctx.unsupported_here("a uint8 output can only carry a ReLU or Clip");
  const float scale = ctx.input(y_scale).data<float>()[0];
  const uint8_t zero_point = zero_point_u8(ctx, y_scale + 1);
  return Uint8Clamp{code_of(clamp.min, scale, zero_point), code_of(clamp.max, scale, zero_point)};
}

Result<QuantOutputSetup> quant_output_setup(const KernelContext& ctx, const QuantInputs& in,
                                            const ref::ActivationParams& activation) {
  QuantOutputSetup s;
  kernels::QuantOutput& out = s.output;
  out.float_output = !ctx.has_input(in.y_scale);
  const float x_scale = ctx.input(in.x_scale).data<float>()[0];
  const float y_scale = out.float_output ? 1.0f : ctx.input(in.y_scale).data<float>()[0];
  const Tensor& w_scale = ctx.input(in.w_scale);
  for (int64_t c = 0; c < w_scale.num_elements(); ++c)
    out.scale.push_back(static_cast<float>(static_cast<double>(x_scale) * w_scale.data<float>()[c] / y_scale));
  if (ctx.has_input(in.bias)) {
    const Tensor& b = ctx.input(in.bias);
    out.bias.assign(b.data<int32_t>(), b.data<int32_t>() + b.num_elements());
  }
  if (out.float_output) {
    kernels::Epilogue clamp;
    s.applies_activation = activation_as_clamp(activation, &clamp);
    if (s.applies_activation) out.epilogue = clamp;
    out.epilogue.residual = ctx.has_input(in.residual);
    return s;
  }
  ASSIGN_OR_RETURN(Uint8Clamp clamp, uint8_clamp(ctx, in.y_scale, activation));
  s.applies_activation = true;
  out.zero_point = zero_point_u8(ctx, in.y_scale + 1);
  out.lo = clamp.lo;
  out.hi = clamp.hi;
  return s;
}

}  // namespace edgerun::ops
