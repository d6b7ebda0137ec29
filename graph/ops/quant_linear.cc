// Shape inference for the integer-accumulating ops: ConvInteger, MatMulInteger, QLinearConv, QLinearMatMul.
#include "graph/ops/nn_common.h"
#include "graph/ops/op_schema.h"

namespace edgerun::ops {

namespace {
constexpr std::initializer_list<DType> kQuantTypes = {DType::kU8, DType::kI8};

// An optional zero point (input zp) of the type of input `of`: a scalar, or `per_channel` values.
Status check_zero_point(const InferContext& ctx, size_t zp, size_t of, int64_t per_channel) {
  if (!ctx.has_input(zp)) return Status::Ok();
  RETURN_IF_ERROR(expect_type(ctx, zp, {ctx.type(of)}));
  return expect_scalar_or_vector(ctx, zp, per_channel);
}

Status check_scale(const InferContext& ctx, size_t i, int64_t per_channel) {
  RETURN_IF_ERROR(expect_type(ctx, i, {DType::kF32}));
  return expect_scalar_or_vector(ctx, i, per_channel);
}

// Rows of A and columns of B of a matmul (1-D operands count as one row / column).
int64_t rows_of(const Shape& a) { return a.size() >= 2 ? a[a.size() - 2] : 1; }
int64_t cols_of(const Shape& b) { return b.size() >= 2 ? b.back() : 1; }
}  // namespace

Status infer_ConvInteger(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, kQuantTypes));
  RETURN_IF_ERROR(expect_type(ctx, 1, kQuantTypes));
  Shape y;
  RETURN_IF_ERROR(check_conv_shapes(ctx, 0, 1, &y));
  RETURN_IF_ERROR(check_zero_point(ctx, 2, 0, 0));
  RETURN_IF_ERROR(check_zero_point(ctx, 3, 1, y[1]));
  ctx.set_output(0, DType::kI32, y);
  return Status::Ok();
}

Status infer_QLinearConv(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, kQuantTypes));
  RETURN_IF_ERROR(expect_type(ctx, 3, kQuantTypes));
  Shape y;
  RETURN_IF_ERROR(check_conv_shapes(ctx, 0, 3, &y));
  RETURN_IF_ERROR(check_scale(ctx, 1, 0));
  RETURN_IF_ERROR(check_zero_point(ctx, 2, 0, 0));
  RETURN_IF_ERROR(check_scale(ctx, 4, y[1]));
  RETURN_IF_ERROR(check_zero_point(ctx, 5, 3, y[1]));
  RETURN_IF_ERROR(check_scale(ctx, 6, 0));
  if (ctx.has_input(7)) {
    RETURN_IF_ERROR(expect_type(ctx, 7, kQuantTypes));
    RETURN_IF_ERROR(expect_scalar_or_vector(ctx, 7, 0));
  }
  if (ctx.has_input(8)) {
    RETURN_IF_ERROR(expect_type(ctx, 8, {DType::kI32}));
    if (ctx.shape(8) != Shape{y[1]}) return ctx.error("bias " + shape_to_string(ctx.shape(8)) + " must be [M]");
  }
  ctx.set_output(0, ctx.has_input(7) ? ctx.type(7) : ctx.type(0), y);
  return Status::Ok();
}

Status infer_MatMulInteger(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, kQuantTypes));
  RETURN_IF_ERROR(expect_type(ctx, 1, kQuantTypes));
  ASSIGN_OR_RETURN(Shape y, matmul_output_shape(ctx.node(), ctx.shape(0), ctx.shape(1)));
  RETURN_IF_ERROR(check_zero_point(ctx, 2, 0, rows_of(ctx.shape(0))));
  RETURN_IF_ERROR(check_zero_point(ctx, 3, 1, cols_of(ctx.shape(1))));
  ctx.set_output(0, DType::kI32, y);
  return Status::Ok();
}

Status infer_QLinearMatMul(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, kQuantTypes));
  RETURN_IF_ERROR(expect_type(ctx, 3, kQuantTypes));
  ASSIGN_OR_RETURN(Shape y, matmul_output_shape(ctx.node(), ctx.shape(0), ctx.shape(3)));
  const int64_t m = rows_of(ctx.shape(0));
  const int64_t n = cols_of(ctx.shape(3));
  RETURN_IF_ERROR(check_scale(ctx, 1, m));
  RETURN_IF_ERROR(check_zero_point(ctx, 2, 0, m));
  RETURN_IF_ERROR(check_scale(ctx, 4, n));
  RETURN_IF_ERROR(check_zero_point(ctx, 5, 3, n));
  RETURN_IF_ERROR(check_scale(ctx, 6, 0));
  RETURN_IF_ERROR(expect_type(ctx, 7, kQuantTypes));
  RETURN_IF_ERROR(expect_scalar_or_vector(ctx, 7, 0));
  ctx.set_output(0, ctx.type(7), y);
  return Status::Ok();
}

}  // namespace edgerun::ops
