// Run functions of QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear.
#include "engine/ops/nn_params.h"
#include "engine/ops/op_kernels.h"
#include "kernels/dispatch.h"
#include "kernels/qeltwise/quantize.h"
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

// Float <-> uint8 with one scale and zero point, the boundaries of a quantized region: through the
// vector families (kernels/qeltwise/quantize.h), bit for bit the reference's results.
bool per_tensor_u8(const KernelContext& ctx, DType from, DType to) {
  return ctx.input(0).dtype() == from && ctx.output(0).dtype() == to && ctx.input(1).num_elements() == 1 &&
         (!ctx.has_input(2) || ctx.input(2).dtype() == DType::kU8);
}

template <typename Impl, typename TX, typename TY>
Status run_u8_family(KernelContext& ctx, const std::vector<Impl>& table) {
  const kernels::QuantizeShape shape{ctx.input(0).num_elements()};
  const Impl* impl = kernels::choose_impl(table, shape, kernels::Backend::kNative);
  if (impl == nullptr) return ctx.unsupported_here("no kernel for this shape");
  const uint8_t zero_point = ctx.has_input(2) ? ctx.input(2).data<uint8_t>()[0] : uint8_t{0};
  impl->run(shape, ctx.input(0).data<TX>(), ctx.input(1).data<float>()[0], zero_point, ctx.output(0).data<TY>());
  return Status::Ok();
}
}  // namespace

Status run_QuantizeLinear(KernelContext& ctx) {
  if (per_tensor_u8(ctx, DType::kF32, DType::kU8))
    return run_u8_family<kernels::QuantizeU8Impl, float, uint8_t>(ctx, kernels::quantize_u8_impls());
  switch (ctx.input(0).dtype()) {
    case DType::kF32: return quantize_to<float>(ctx);
    case DType::kI32: return quantize_to<int32_t>(ctx);
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}

Status run_DequantizeLinear(KernelContext& ctx) {
  if (per_tensor_u8(ctx, DType::kU8, DType::kF32))
    return run_u8_family<kernels::DequantizeU8Impl, uint8_t, float>(ctx, kernels::dequantize_u8_impls());
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
