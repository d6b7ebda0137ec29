// Shape inference for Einsum and Det.
#include "graph/ops/einsum_plan.h"
#include "graph/ops/nn_common.h"
#include "graph/ops/op_schema.h"

namespace edgerun::ops {

Status infer_Einsum(InferContext& ctx) {
  if (ctx.num_inputs() == 0) return ctx.error("needs at least one input");
  std::vector<Shape> shapes;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    RETURN_IF_ERROR(expect_type(ctx, i, {DType::kF32, DType::kF64, DType::kI32, DType::kI64, DType::kU32, DType::kU64}));
    RETURN_IF_ERROR(expect_same_type(ctx, 0, i));
    shapes.push_back(ctx.shape(i));
  }
  ASSIGN_OR_RETURN(EinsumPlan plan, einsum_plan(ctx.node(), shapes));
  ctx.set_output(0, ctx.type(0), plan.out);
  return Status::Ok();
}

Status infer_Det(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, {DType::kF32, DType::kF64}));
  const Shape& x = ctx.shape(0);
  if (x.size() < 2 || x[x.size() - 1] != x[x.size() - 2]) {
    return ctx.error("input " + shape_to_string(x) + " is not a stack of square matrices");
  }
  ctx.set_output(0, ctx.type(0), Shape(x.begin(), x.end() - 2));
  return Status::Ok();
}

}  // namespace edgerun::ops
