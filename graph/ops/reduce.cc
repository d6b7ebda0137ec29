// Shape inference for the Reduce* ops, ArgMax and ArgMin.
#include "graph/ops/nn_common.h"
#include "graph/ops/op_schema.h"

namespace edgerun::ops {

namespace {
constexpr std::initializer_list<DType> kReduceTypes = {DType::kF32, DType::kF64, DType::kI32,
                                                       DType::kI64, DType::kU32, DType::kU64};
constexpr std::initializer_list<DType> kReduceMinMaxTypes = {DType::kF32, DType::kF64, DType::kI32, DType::kI64,
                                                             DType::kU32, DType::kU64, DType::kI8,  DType::kU8};

Status infer_reduce(InferContext& ctx, std::initializer_list<DType> types) {
  RETURN_IF_ERROR(expect_type(ctx, 0, types));
  const Tensor* axes = nullptr;
  if (reduce_axes_from_input(ctx.node()) && ctx.has_input(1)) {
    RETURN_IF_ERROR(expect_type(ctx, 1, {DType::kI64}));
    ASSIGN_OR_RETURN(axes, ctx.require_value(1));
  }
  ASSIGN_OR_RETURN(std::vector<bool> reduced, reduce_axes(ctx.node(), ctx.rank(0), axes));
  const bool keepdims = ctx.attrs().get_int("keepdims", 1) != 0;
  ctx.set_output(0, ctx.type(0), reduced_shape(ctx.shape(0), reduced, keepdims));
  return Status::Ok();
}

Status infer_arg(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, {DType::kF32, DType::kF64, DType::kI8, DType::kU8, DType::kI16, DType::kU16,
                                       DType::kI32, DType::kU32, DType::kI64, DType::kU64}));
  auto axis = normalize_axis(ctx.attrs().get_int("axis", 0), ctx.rank(0));
  if (!axis.ok() || ctx.rank(0) == 0) return ctx.error("axis out of range for input " + shape_to_string(ctx.shape(0)));
  if (ctx.shape(0)[static_cast<size_t>(axis.value())] == 0) return ctx.error("the reduced axis is empty");
  std::vector<bool> reduced(static_cast<size_t>(ctx.rank(0)), false);
  reduced[static_cast<size_t>(axis.value())] = true;
  const bool keepdims = ctx.attrs().get_int("keepdims", 1) != 0;
  ctx.set_output(0, DType::kI64, reduced_shape(ctx.shape(0), reduced, keepdims));
  return Status::Ok();
}
}  // namespace

Status infer_ReduceMean(InferContext& ctx) { return infer_reduce(ctx, kReduceTypes); }
Status infer_ReduceSum(InferContext& ctx) { return infer_reduce(ctx, kReduceTypes); }
Status infer_ReduceMax(InferContext& ctx) { return infer_reduce(ctx, kReduceMinMaxTypes); }
Status infer_ReduceMin(InferContext& ctx) { return infer_reduce(ctx, kReduceMinMaxTypes); }
Status infer_ReduceProd(InferContext& ctx) { return infer_reduce(ctx, kReduceTypes); }
Status infer_ReduceL1(InferContext& ctx) { return infer_reduce(ctx, kReduceTypes); }
Status infer_ReduceL2(InferContext& ctx) { return infer_reduce(ctx, kReduceTypes); }
Status infer_ReduceLogSum(InferContext& ctx) { return infer_reduce(ctx, kReduceTypes); }
Status infer_ReduceLogSumExp(InferContext& ctx) { return infer_reduce(ctx, kReduceTypes); }
Status infer_ReduceSumSquare(InferContext& ctx) { return infer_reduce(ctx, kReduceTypes); }
Status infer_ArgMax(InferContext& ctx) { return infer_arg(ctx); }
Status infer_ArgMin(InferContext& ctx) { return infer_arg(ctx); }

}  // namespace edgerun::ops
