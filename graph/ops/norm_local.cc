// Shape inference for LRN, MeanVarianceNormalization and LpNormalization (output = input shape).
#include "graph/ops/nn_extra.h"
#include "graph/ops/op_schema.h"

namespace edgerun::ops {

namespace {
constexpr std::initializer_list<DType> kFloatTypes = {DType::kF32, DType::kF64};

Status same_as_input(InferContext& ctx) {
  ctx.set_output(0, ctx.type(0), ctx.shape(0));
  return Status::Ok();
}
}  // namespace

Status infer_LRN(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, kFloatTypes));
  if (ctx.rank(0) < 2) return ctx.error("input " + shape_to_string(ctx.shape(0)) + " needs rank >= 2");
  if (!ctx.attrs().has("size") || ctx.attrs().get_int("size", 0) < 1) return ctx.error("size must be >= 1");
  return same_as_input(ctx);
}

Status infer_MeanVarianceNormalization(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, kFloatTypes));
  RETURN_IF_ERROR(mvn_reduced_dims(ctx.node(), ctx.rank(0)).status());
  return same_as_input(ctx);
}

Status infer_LpNormalization(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, kFloatTypes));
  RETURN_IF_ERROR(lp_norm_view(ctx.node(), ctx.shape(0)).status());
  return same_as_input(ctx);
}

}  // namespace edgerun::ops
