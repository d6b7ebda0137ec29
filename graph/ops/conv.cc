// Shape inference for Conv and ConvTranspose.
#include "graph/ops/nn_common.h"
#include "graph/ops/op_schema.h"

namespace edgerun::ops {

namespace {
constexpr std::initializer_list<DType> kFloatTypes = {DType::kF32, DType::kF64};
}  // namespace

Status infer_Conv(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, kFloatTypes));
  RETURN_IF_ERROR(expect_same_type(ctx, 0, 1));
  Shape y;
  RETURN_IF_ERROR(check_conv_shapes(ctx, 0, 1, &y));
  if (ctx.has_input(2)) {
    RETURN_IF_ERROR(expect_same_type(ctx, 0, 2));
    if (ctx.shape(2) != Shape{y[1]}) return ctx.error("bias " + shape_to_string(ctx.shape(2)) + " must be [M]");
  }
  ctx.set_output(0, ctx.type(0), y);
  return Status::Ok();
}

Status infer_ConvTranspose(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, kFloatTypes));
  RETURN_IF_ERROR(expect_same_type(ctx, 0, 1));
  RETURN_IF_ERROR(check_conv_operands(ctx, 0, 1));
  const Shape& x = ctx.shape(0);
  const Shape& w = ctx.shape(1);
  const int64_t group = ctx.attrs().get_int("group", 1);
  if (x[1] != w[0] || w[0] % group != 0) {
    return ctx.error("input " + shape_to_string(x) + " and weights " + shape_to_string(w) + " do not fit group " +
                     std::to_string(group));
  }
  ASSIGN_OR_RETURN(std::vector<int64_t> kernel, conv_kernel_dims(ctx, w));
  ASSIGN_OR_RETURN(WindowGeometry g, conv_transpose_geometry(ctx.node(), x, kernel));
  Shape y = {x[0], w[1] * group};
  y.insert(y.end(), g.out.begin(), g.out.end());
  if (ctx.has_input(2)) {
    RETURN_IF_ERROR(expect_same_type(ctx, 0, 2));
    if (ctx.shape(2) != Shape{y[1]}) return ctx.error("bias " + shape_to_string(ctx.shape(2)) + " must be [M]");
  }
  ctx.set_output(0, ctx.type(0), y);
  return Status::Ok();
}

}  // namespace edgerun::ops
