// Run functions of QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear.
#include "engine/ops/nn_params.h"
#include "engine/ops/op_kernels.h"
#include "kernels/ref/quant/quantize.h"

namespace edgerun::ops {

namespace {
// [outer, n, inner] with one scale per index along n: per axis when the scale has several values.
AxisView scale_view(const KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  if (ctx.input(1).num_elements() > 1) {
    return axis_view(x.shape(), normalize_axis(ctx.attrs().get_int("axis", 1), x.rank()).value());
  }
  AxisView v;
  v.inner = x.num_elements();
  return v;
}

template <typename TX, typename TQ>
Status quantize_typed(KernelContext& ctx) {
  const AxisView v = scale_view(ctx);
  const TQ* zp = ctx.has_input(2) ? ctx.input(2).data<TQ>() : nullptr;
  ref::quantize_linear<TX, TQ>(v.outer, v.n, v.inner, ctx.input(0).data<TX>(), ctx.input(1).data<float>(), zp,
                               ctx.output(0).data<TQ>());
  return Status::Ok();
}

template <typename TQ>
Status dequantize_typed(KernelContext& ctx) {
  const AxisView v = scale_view(ctx);
  const TQ* zp = ctx.has_input(2) ? ctx.input(2).data<TQ>() : nullptr;
  ref::dequantize_linear<TQ>(v.outer, v.n, v.inner, ctx.input(0).data<TQ>(), ctx.input(1).data<float>(), zp,
                             ctx.output(0).data<float>());
  return Status::Ok();
}

template <typename TX>
Status quantize_to(KernelContext& ctx) {
  switch (ctx.output(0).dtype()) {
    case DType::kU8: return quantize_typed<TX, uint8_t>(ctx);
    case DType::kI8: return quantize_typed<TX, int8_t>(ctx);
    default: return unsupported_type(ctx, ctx.output(0).dtype());
  }
}
}  // namespace

Status run_QuantizeLinear(KernelContext& ctx) {
  switch (ctx.input(0).dtype()) {
    case DType::kF32: return quantize_to<float>(ctx);
    case DType::kI32: return quantize_to<int32_t>(ctx);
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}

Status run_DequantizeLinear(KernelContext& ctx) {
  switch (ctx.input(0).dtype()) {
    case DType::kU8: return dequantize_typed<uint8_t>(ctx);
    case DType::kI8: return dequantize_typed<int8_t>(ctx);
    case DType::kI32: return dequantize_typed<int32_t>(ctx);
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}

Status run_DynamicQuantizeLinear(KernelContext& ctx) {
  float scale = 0.0f;
  uint8_t zero_point = 0;
  ref::dynamic_quantize_linear(ctx.input(0).num_elements(), ctx.input(0).data<float>(), ctx.output(0).data<uint8_t>(),
                               &scale, &zero_point);
  if (ctx.has_output(1)) *ctx.output(1).data<float>() = scale;
  if (ctx.has_output(2)) *ctx.output(2).data<uint8_t>() = zero_point;
  return Status::Ok();
}

}  // namespace edgerun::ops
