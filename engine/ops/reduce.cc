// Run functions of the Reduce* ops, ArgMax and ArgMin.
#include "engine/ops/nn_params.h"
#include "engine/ops/op_kernels.h"
#include "kernels/ref/nn/reduce.h"

namespace edgerun::ops {

namespace {
#define EDGERUN_REDUCE_CASES(MACRO) \
  EDGERUN_FLOAT_CASES(MACRO);       \
  EDGERUN_INT_CASES(MACRO)

Status run_reduce(KernelContext& ctx, ref::ReduceKind kind) {
  const Tensor* axes = reduce_axes_from_input(ctx.node()) && ctx.has_input(1) ? &ctx.input(1) : nullptr;
  ASSIGN_OR_RETURN(std::vector<bool> reduced, reduce_axes(ctx.node(), ctx.input(0).rank(), axes));
  const Shape& x = ctx.input(0).shape();
  switch (ctx.input(0).dtype()) {
#define EDGERUN_RUN(T)                                                                 \
  ref::reduce(kind, x, reduced, ctx.input(0).data<T>(), ctx.output(0).data<T>()); \
  return Status::Ok();
    EDGERUN_REDUCE_CASES(EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}

Status run_arg(KernelContext& ctx, bool is_max) {
  const int64_t axis = normalize_axis(ctx.attrs().get_int("axis", 0), ctx.input(0).rank()).value();
  const AxisView v = axis_view(ctx.input(0).shape(), axis);
  const bool select_last = ctx.attrs().get_int("select_last_index", 0) != 0;
  switch (ctx.input(0).dtype()) {
#define EDGERUN_RUN(T)                                                                                   \
  ref::arg_reduce(is_max, select_last, v.outer, v.n, v.inner, ctx.input(0).data<T>(),               \
                  ctx.output(0).data<int64_t>());                                                       \
  return Status::Ok();
    EDGERUN_REDUCE_CASES(EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}
}  // namespace

Status run_ReduceMean(KernelContext& ctx) { return run_reduce(ctx, ref::ReduceKind::kMean); }
Status run_ReduceSum(KernelContext& ctx) { return run_reduce(ctx, ref::ReduceKind::kSum); }
Status run_ReduceMax(KernelContext& ctx) { return run_reduce(ctx, ref::ReduceKind::kMax); }
Status run_ReduceMin(KernelContext& ctx) { return run_reduce(ctx, ref::ReduceKind::kMin); }
Status run_ReduceProd(KernelContext& ctx) { return run_reduce(ctx, ref::ReduceKind::kProd); }
Status run_ReduceL1(KernelContext& ctx) { return run_reduce(ctx, ref::ReduceKind::kL1); }
Status run_ReduceL2(KernelContext& ctx) { return run_reduce(ctx, ref::ReduceKind::kL2); }
Status run_ReduceLogSum(KernelContext& ctx) { return run_reduce(ctx, ref::ReduceKind::kLogSum); }
Status run_ReduceLogSumExp(KernelContext& ctx) { return run_reduce(ctx, ref::ReduceKind::kLogSumExp); }
Status run_ReduceSumSquare(KernelContext& ctx) { return run_reduce(ctx, ref::ReduceKind::kSumSquare); }
Status run_ArgMax(KernelContext& ctx) { return run_arg(ctx, true); }
Status run_ArgMin(KernelContext& ctx) { return run_arg(ctx, false); }

}  // namespace edgerun::ops
