// Shape inference for Gemm and MatMul.
#include "graph/ops/nn_common.h"
#include "graph/ops/op_schema.h"

namespace edgerun::ops {

namespace {
constexpr std::initializer_list<DType> kMatMulTypes = {DType::kF32, DType::kF64, DType::kI32,
                                                       DType::kI64, DType::kU32, DType::kU64};
}  // namespace

Status infer_Gemm(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, kMatMulTypes));
  RETURN_IF_ERROR(expect_same_type(ctx, 0, 1));
  RETURN_IF_ERROR(expect_rank(ctx, 0, 2));
  RETURN_IF_ERROR(expect_rank(ctx, 1, 2));
  const Shape& a = ctx.shape(0);
  const Shape& b = ctx.shape(1);
  const bool trans_a = ctx.attrs().get_int("transA", 0) != 0;
  const bool trans_b = ctx.attrs().get_int("transB", 0) != 0;
  const int64_t m = trans_a ? a[1] : a[0];
  const int64_t k = trans_a ? a[0] : a[1];
  const int64_t kb = trans_b ? b[1] : b[0];
  const int64_t n = trans_b ? b[0] : b[1];
  if (k != kb) {
    return ctx.error("A " + shape_to_string(a) + " and B " + shape_to_string(b) + " do not fit (transA " +
                     std::to_string(trans_a) + ", transB " + std::to_string(trans_b) + ")");
  }
  if (ctx.has_input(2)) {
    RETURN_IF_ERROR(expect_same_type(ctx, 0, 2));
    auto c = broadcast_shapes(Shape{m, n}, ctx.shape(2));
    if (!c.ok() || c.value() != Shape{m, n}) {
      return ctx.error("C " + shape_to_string(ctx.shape(2)) + " does not broadcast to [" + std::to_string(m) + "," +
                       std::to_string(n) + "]");
    }
  } else if (ctx.opset() < 11) {
    return ctx.error("input C is required before opset 11");
  }
  ctx.set_output(0, ctx.type(0), {m, n});
  return Status::Ok();
}

Status infer_MatMul(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, kMatMulTypes));
  RETURN_IF_ERROR(expect_same_type(ctx, 0, 1));
  ASSIGN_OR_RETURN(Shape y, matmul_output_shape(ctx.node(), ctx.shape(0), ctx.shape(1)));
  ctx.set_output(0, ctx.type(0), y);
  return Status::Ok();
}

}  // namespace edgerun::ops
