// Run glue of the broadcasting element-wise ops: arithmetic, comparisons, logic, variadic folds, Where.
#include <optional>
#include <type_traits>

#include "engine/ops/elementwise_dispatch.h"
#include "engine/ops/op_kernels.h"
#include "graph/ops/elementwise_types.h"
#include "kernels/dispatch.h"
#include "kernels/eltwise/binary.h"
#include "kernels/ref/elementwise/binary.h"
#include "kernels/ref/elementwise/unary.h"

namespace edgerun::ops {

namespace {

// The vectorised f32 kernel of a reference functor (kernels/eltwise/binary.h), if it has one. Sum is
// Add; Mean (derived from Add) takes the template, an exact match.
template <typename Op>
std::optional<kernels::BinaryOp> f32_kernel(const Op&) {
  return std::nullopt;
}
std::optional<kernels::BinaryOp> f32_kernel(const ref::AddOp&) { return kernels::BinaryOp::kAdd; }
std::optional<kernels::BinaryOp> f32_kernel(const ref::SubOp&) { return kernels::BinaryOp::kSub; }
std::optional<kernels::BinaryOp> f32_kernel(const ref::MulOp&) { return kernels::BinaryOp::kMul; }
std::optional<kernels::BinaryOp> f32_kernel(const ref::DivOp&) { return kernels::BinaryOp::kDiv; }

// ref::binary, or the best entry of the binary table for the f32 ops it has.
template <typename T, typename TY, typename Op>
void broadcast_binary(const T* a, const Shape& as, const T* b, const Shape& bs, TY* y, const Shape& ys, const Op& op) {
  if constexpr (std::is_same_v<T, float> && std::is_same_v<TY, float>) {
    if (const std::optional<kernels::BinaryOp> kind = f32_kernel(op)) {
      const kernels::BinaryShape shape{*kind, &as, &bs, &ys};
      kernels::choose_impl(kernels::binary_f32_impls(), shape, kernels::Backend::kNative)->run(shape, a, b, y);
      return;
    }
  }
  ref::binary(a, as, b, bs, y, ys, op);
}

// y = op(a, b) broadcast, both inputs of one type from kMask; y's type is what op returns (T or bool).
template <uint32_t kMask, typename Op>
Status run_binary(KernelContext& ctx, const Op& op) {
  if (has_f16(ctx)) return run_f16_as_f32(ctx, [&op](KernelContext& c) { return run_binary<kMask>(c, op); });
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  Tensor& y = ctx.output(0);
  return visit_type<kMask>(ctx, a.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    using TY = decltype(op(T{}, T{}));
    broadcast_binary(a.data<T>(), a.shape(), b.data<T>(), b.shape(), y.data<TY>(), y.shape(), op);
    return Status::Ok();
  });
}

// y = op(...op(op(x0, x1), x2)..., xn) broadcast; Mean divides the sum by n.
template <uint32_t kMask, typename Op>
Status run_variadic(KernelContext& ctx, const Op& op) {
  if (has_f16(ctx)) return run_f16_as_f32(ctx, [&op](KernelContext& c) { return run_variadic<kMask>(c, op); });
  Tensor& y = ctx.output(0);
  return visit_type<kMask>(ctx, y.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* out = y.data<T>();
    const Tensor& x0 = ctx.input(0);
    if (ctx.num_inputs() == 1) {
      ref::broadcast_copy(x0.data<T>(), x0.shape(), out, y.shape());
    } else {
      const Tensor& x1 = ctx.input(1);
      broadcast_binary(x0.data<T>(), x0.shape(), x1.data<T>(), x1.shape(), out, y.shape(), op);
      for (size_t i = 2; i < ctx.num_inputs(); ++i) {
        const Tensor& xi = ctx.input(i);
        broadcast_binary(out, y.shape(), xi.data<T>(), xi.shape(), out, y.shape(), op);
      }
    }
    if constexpr (std::is_same_v<Op, ref::MeanOp>) {
      const T n = static_cast<T>(ctx.num_inputs());
      ref::unary(out, out, y.num_elements(), [n](T v) { return v / n; });
    }
    return Status::Ok();
  });
}

// Tensor of `type` (int64 or f64) holding x's values, for Pow's exponent.
Result<Tensor> widened(const Tensor& x, DType type) {
  ASSIGN_OR_RETURN(Tensor wide, Tensor::allocate(type, x.shape()));
  RETURN_IF_ERROR(visit_type<kNumericTypes>(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (type == DType::kI64)
      ref::cast(x.data<T>(), wide.data<int64_t>(), x.num_elements());
    else
      ref::cast(x.data<T>(), wide.data<double>(), x.num_elements());
    return Status::Ok();
  }));
  return wide;
}

}  // namespace

#define EDGERUN_EW_ARITH(Name, types) \
  Status run_##Name(KernelContext& ctx) { return run_binary<types>(ctx, ref::Name##Op{}); }
#define EDGERUN_EW_COMPARE(Name, types) EDGERUN_EW_ARITH(Name, types)
#define EDGERUN_EW_VARIADIC(Name, types) \
  Status run_##Name(KernelContext& ctx) { return run_variadic<types>(ctx, ref::Name##Op{}); }
#include "graph/ops/elementwise_table.inc"

Status run_Mod(KernelContext& ctx) {
  return run_binary<kNumericTypes>(ctx, ref::ModOp{ctx.attrs().get_int("fmod", 0) != 0});
}

Status run_BitShift(KernelContext& ctx) {
  return run_binary<kUnsignedIntTypes>(ctx, ref::BitShiftOp{ctx.attrs().get_string("direction", "") == "LEFT"});
}

Status run_PRelu(KernelContext& ctx) {
  const Shape slope_shape = prelu_slope_shape(ctx.opset(), ctx.input(0).shape(), ctx.input(1).shape());
  if (slope_shape == ctx.input(1).shape()) return run_binary<kNumericTypes>(ctx, ref::PReluOp{});
  const Tensor slope = ctx.input(1).reshaped(slope_shape);
  KernelContext per_channel(ctx.node(), {&ctx.input(0), &slope}, {&ctx.output(0)});
  return run_binary<kNumericTypes>(per_channel, ref::PReluOp{});
}

// The exponent may have another type than the base: it is then widened to int64 or f64 so that the
// kernel is instantiated for 3 exponent types per base type rather than for all 10.
Status run_Pow(KernelContext& ctx) {
  if (has_f16(ctx)) return run_f16_as_f32(ctx, run_Pow);
  const Tensor& a = ctx.input(0);
  Tensor& y = ctx.output(0);
  Tensor wide;
  const Tensor* b = &ctx.input(1);
  if (b->dtype() != a.dtype()) {
    const DType wide_type = dtype_is_float(b->dtype()) ? DType::kF64 : DType::kI64;
    if (b->dtype() != wide_type) {
      ASSIGN_OR_RETURN(wide, widened(*b, wide_type));
      b = &wide;
    }
  }
  return visit_type<kNumericTypes>(ctx, a.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    auto run = [&](auto exponent_tag) {
      using E = typename decltype(exponent_tag)::type;
      ref::binary(a.data<T>(), a.shape(), b->data<E>(), b->shape(), y.data<T>(), y.shape(), ref::PowOp{});
      return Status::Ok();
    };
    if (b->dtype() == DType::kF64) return run(TypeTag<double>{});
    if (b->dtype() == DType::kI64) return run(TypeTag<int64_t>{});
    return run(TypeTag<T>{});
  });
}

Status run_Where(KernelContext& ctx) {
  const Tensor& cond = ctx.input(0);
  const Tensor& a = ctx.input(1);
  const Tensor& b = ctx.input(2);
  Tensor& y = ctx.output(0);
  return ctx.in_context(visit_element_size(a.dtype(), [&](auto tag) {
    using U = typename decltype(tag)::type;
    ref::where(cond.data<bool>(), cond.shape(), a.data<U>(), a.shape(), b.data<U>(), b.shape(), y.data<U>(), y.shape());
    return Status::Ok();
  }));
}

}  // namespace edgerun::ops
