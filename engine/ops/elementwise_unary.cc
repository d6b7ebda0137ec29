// Run glue of the unary element-wise ops, activations, Clip, Identity and Dropout.
#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <type_traits>

#include "engine/ops/elementwise_dispatch.h"
#include "engine/ops/op_kernels.h"
#include "kernels/dispatch.h"
#include "kernels/eltwise/eltwise_ref.h"
#include "kernels/ref/elementwise/unary.h"

namespace edgerun::ops {

namespace {

// The vectorised f32 kernel of a reference functor (kernels/eltwise/unary.h), if it has one.
template <typename Op>
std::optional<kernels::UnaryOp> f32_kernel(const Op&) {
  return std::nullopt;
}
std::optional<kernels::UnaryOp> f32_kernel(const ref::ReluOp&) { return kernels::UnaryOp::kRelu; }
std::optional<kernels::UnaryOp> f32_kernel(const ref::SigmoidOp&) { return kernels::UnaryOp::kSigmoid; }
std::optional<kernels::UnaryOp> f32_kernel(const ref::TanhOp&) { return kernels::UnaryOp::kTanh; }
std::optional<kernels::UnaryOp> f32_kernel(const ref::ErfOp&) { return kernels::UnaryOp::kErf; }
std::optional<kernels::UnaryOp> f32_kernel(const ref::ExpOp&) { return kernels::UnaryOp::kExp; }
std::optional<kernels::UnaryOp> f32_kernel(const kernels::GeluOp& op) {
  if (op.tanh) return std::nullopt;
  return kernels::UnaryOp::kGelu;
}

// y = op(x) for the element types in kMask; the output type is whatever op returns (T or bool). f32
// ops with a vectorised kernel run the best entry of the unary table.
template <uint32_t kMask, typename Op>
Status run_unary(KernelContext& ctx, const Op& op) {
  if (has_f16(ctx)) return run_f16_as_f32(ctx, [&op](KernelContext& c) { return run_unary<kMask>(c, op); });
  const Tensor& x = ctx.input(0);
  Tensor& y = ctx.output(0);
  return visit_type<kMask>(ctx, x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    using TY = decltype(op(T{}));
    if constexpr (std::is_same_v<T, float> && std::is_same_v<TY, float>) {
      if (const std::optional<kernels::UnaryOp> kind = f32_kernel(op)) {
        const kernels::UnaryShape shape{*kind, x.num_elements()};
        kernels::choose_impl(kernels::unary_f32_impls(), shape, kernels::Backend::kNative)
            ->run(shape, x.data<float>(), y.data<float>());
        return Status::Ok();
      }
    }
    ref::unary(x.data<T>(), y.data<TY>(), x.num_elements(), op);
    return Status::Ok();
  });
}

void copy_tensor(const Tensor& src, Tensor& dst) {
  if (dst.raw_data() != src.raw_data() && src.byte_size() > 0)
    std::memcpy(dst.raw_data(), src.raw_data(), src.byte_size());
}

}  // namespace

#define EDGERUN_EW_UNARY(Name, types) \
  Status run_##Name(KernelContext& ctx) { return run_unary<types>(ctx, ref::Name##Op{}); }
#define EDGERUN_EW_PREDICATE(Name, types) EDGERUN_EW_UNARY(Name, types)
#include "graph/ops/elementwise_table.inc"

Status run_IsInf(KernelContext& ctx) {
  const auto& a = ctx.attrs();
  return run_unary<kFloatTypes>(
      ctx, ref::IsInfOp{a.get_int("detect_negative", 1) != 0, a.get_int("detect_positive", 1) != 0});
}

Status run_Elu(KernelContext& ctx) {
  return run_unary<kFloatTypes>(ctx, ref::EluOp{ctx.attrs().get_float("alpha", 1.0f)});
}

Status run_Selu(KernelContext& ctx) {
  const ref::SeluOp def;
  return run_unary<kFloatTypes>(
      ctx, ref::SeluOp{ctx.attrs().get_float("alpha", def.alpha), ctx.attrs().get_float("gamma", def.gamma)});
}

Status run_Celu(KernelContext& ctx) {
  return run_unary<kFloatTypes>(ctx, ref::CeluOp{ctx.attrs().get_float("alpha", 1.0f)});
}

Status run_LeakyRelu(KernelContext& ctx) {
  return run_unary<kFloatTypes>(ctx, ref::LeakyReluOp{ctx.attrs().get_float("alpha", 0.01f)});
}

Status run_ThresholdedRelu(KernelContext& ctx) {
  return run_unary<kFloatTypes>(ctx, ref::ThresholdedReluOp{ctx.attrs().get_float("alpha", 1.0f)});
}

Status run_HardSigmoid(KernelContext& ctx) {
  return run_unary<kFloatTypes>(
      ctx, ref::HardSigmoidOp{ctx.attrs().get_float("alpha", 0.2f), ctx.attrs().get_float("beta", 0.5f)});
}

// ONNX Gelu-20; graph/passes/fuse_gelu.h also makes it from the exported erf pattern.
Status run_Gelu(KernelContext& ctx) {
  const std::string approximate = ctx.attrs().get_string("approximate", "none");
  if (approximate != "none" && approximate != "tanh") {
    return ctx.error("approximate must be 'none' or 'tanh', got '" + approximate + "'");
  }
  return run_unary<kFloatTypes>(ctx, kernels::GeluOp{approximate == "tanh"});
}

Status run_Shrink(KernelContext& ctx) {
  return run_unary<kNumericTypes>(
      ctx, ref::ShrinkOp{ctx.attrs().get_float("lambd", 0.5f), ctx.attrs().get_float("bias", 0.0f)});
}

Status run_Clip(KernelContext& ctx) {
  if (has_f16(ctx)) return run_f16_as_f32(ctx, run_Clip);
  const Tensor& x = ctx.input(0);
  return visit_type<kNumericTypes>(ctx, x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    ref::ClipOp<T> op;
    if (ctx.opset() < 11) {
      if (ctx.attrs().has("min")) op.lo = ref::convert<T>(ctx.attrs().get_float("min", 0.0f));
      if (ctx.attrs().has("max")) op.hi = ref::convert<T>(ctx.attrs().get_float("max", 0.0f));
    } else {
      if (ctx.has_input(1)) op.lo = ctx.input(1).data<T>()[0];
      if (ctx.has_input(2)) op.hi = ctx.input(2).data<T>()[0];
    }
    ref::unary(x.data<T>(), ctx.output(0).data<T>(), x.num_elements(), op);
    return Status::Ok();
  });
}

Status run_Identity(KernelContext& ctx) {
  copy_tensor(ctx.input(0), ctx.output(0));
  return Status::Ok();
}

// Inference mode only. Training mode with a ratio > 0 drops at random, which no reference can match.
Status run_Dropout(KernelContext& ctx) {
  if (ctx.opset() >= 12 && ctx.has_input(2) && ctx.input(2).data<bool>()[0]) {
    const double ratio = ctx.has_input(1) ? ctx.input(1).as_double(0) : 0.5;
    if (ratio != 0.0) return ctx.unsupported_here("training_mode with ratio > 0 (random dropout)");
  }
  copy_tensor(ctx.input(0), ctx.output(0));
  if (!ctx.has_output(1)) return Status::Ok();
  Tensor& mask = ctx.output(1);
  if (mask.dtype() == DType::kF16) {
    std::fill_n(mask.data<uint16_t>(), mask.num_elements(), float_to_half(1.0f));
    return Status::Ok();
  }
  return visit_type<kAllTypes>(ctx, mask.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::fill_n(mask.data<T>(), mask.num_elements(), T(1));
    return Status::Ok();
  });
}

}  // namespace edgerun::ops
