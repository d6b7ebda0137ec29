// Shape inference for the INT8 ops of the QDQ lowering (QConv, QMatMul; graph/ops/quant_int8.h) and
// ONNX Runtime's QLinearAdd and QLinearGlobalAveragePool.
#include "graph/ops/quant_int8.h"

#include "graph/ops/nn_common.h"
#include "graph/ops/op_schema.h"

namespace edgerun::ops {

namespace {
Status check_scale(const InferContext& ctx, size_t i, int64_t per_channel) {
  RETURN_IF_ERROR(expect_type(ctx, i, {DType::kF32}));
  return expect_scalar_or_vector(ctx, i, per_channel);
}

Status check_u8_zero_point(const InferContext& ctx, size_t i) {
  RETURN_IF_ERROR(expect_type(ctx, i, {DType::kU8}));
  return expect_scalar_or_vector(ctx, i, 0);
}

// Inputs 3 (float residual shaped like y) and the uint8 output parameters at y_scale, y_scale + 1;
// sets the output: uint8 when y_scale is present, else float.
Status finish_output(InferContext& ctx, size_t residual, size_t y_scale, const Shape& y) {
  if (ctx.has_input(residual)) {
    RETURN_IF_ERROR(expect_type(ctx, residual, {DType::kF32}));
    if (ctx.shape(residual) != y) return ctx.error("the fused residual must be shaped like the output");
  }
  const bool quantized = ctx.has_input(y_scale);
  if (quantized) {
    RETURN_IF_ERROR(check_scale(ctx, y_scale, 0));
    RETURN_IF_ERROR(check_u8_zero_point(ctx, y_scale + 1));
    if (ctx.has_input(residual)) return ctx.error("a uint8 output takes no float residual");
  }
  ctx.set_output(0, quantized ? DType::kU8 : DType::kF32, y);
  return Status::Ok();
}

Status check_bias(const InferContext& ctx, size_t i, int64_t channels) {
  if (!ctx.has_input(i)) return Status::Ok();
  RETURN_IF_ERROR(expect_type(ctx, i, {DType::kI32}));
  if (ctx.shape(i) != Shape{channels}) return ctx.error("bias " + shape_to_string(ctx.shape(i)) + " must be [channels]");
  return Status::Ok();
}
}  // namespace

Status infer_QConv(InferContext& ctx) {
  using namespace qop;
  RETURN_IF_ERROR(expect_type(ctx, kConvX, {DType::kU8}));
  RETURN_IF_ERROR(expect_type(ctx, kConvW, {DType::kI8}));
  Shape y;
  RETURN_IF_ERROR(check_conv_shapes(ctx, kConvX, kConvW, &y));
  RETURN_IF_ERROR(check_bias(ctx, kConvBias, y[1]));
  RETURN_IF_ERROR(check_scale(ctx, kConvXScale, 0));
  RETURN_IF_ERROR(check_u8_zero_point(ctx, kConvXZeroPoint));
  RETURN_IF_ERROR(check_scale(ctx, kConvWScale, y[1]));
  return finish_output(ctx, kConvResidual, kConvYScale, y);
}

Status infer_QMatMul(InferContext& ctx) {
  using namespace qop;
  RETURN_IF_ERROR(expect_type(ctx, kMatA, {DType::kU8}));
  RETURN_IF_ERROR(expect_type(ctx, kMatB, {DType::kI8, DType::kU8}));
  ASSIGN_OR_RETURN(Shape y, matmul_output_shape(ctx.node(), ctx.shape(kMatA), ctx.shape(kMatB)));
  const int64_t n = ctx.shape(kMatB).empty() ? 1 : ctx.shape(kMatB).back();
  RETURN_IF_ERROR(check_bias(ctx, kMatBias, n));
  RETURN_IF_ERROR(check_scale(ctx, kMatAScale, 0));
  RETURN_IF_ERROR(check_u8_zero_point(ctx, kMatAZeroPoint));
  RETURN_IF_ERROR(check_scale(ctx, kMatBScale, n));
  if (ctx.has_input(kMatBZeroPoint)) {
    RETURN_IF_ERROR(expect_type(ctx, kMatBZeroPoint, {ctx.type(kMatB)}));
    RETURN_IF_ERROR(expect_scalar_or_vector(ctx, kMatBZeroPoint, 0));
  }
  return finish_output(ctx, kMatResidual, kMatYScale, y);
}

// A, A_scale, A_zero_point, B, B_scale, B_zero_point, C_scale, C_zero_point (com.microsoft).
Status infer_QLinearAdd(InferContext& ctx) {
  for (size_t x : {size_t{0}, size_t{3}}) {
    RETURN_IF_ERROR(expect_type(ctx, x, {DType::kU8}));
    RETURN_IF_ERROR(check_scale(ctx, x + 1, 0));
    if (ctx.has_input(x + 2)) RETURN_IF_ERROR(check_u8_zero_point(ctx, x + 2));
  }
  RETURN_IF_ERROR(check_scale(ctx, 6, 0));
  if (ctx.has_input(7)) RETURN_IF_ERROR(check_u8_zero_point(ctx, 7));
  ASSIGN_OR_RETURN(Shape y, broadcast_shapes(ctx.shape(0), ctx.shape(3)));
  ctx.set_output(0, DType::kU8, y);
  return Status::Ok();
}

// X, x_scale, x_zero_point, y_scale, y_zero_point (com.microsoft; NCHW only).
Status infer_QLinearGlobalAveragePool(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, {DType::kU8}));
  if (ctx.node().attrs.get_int("channels_last", 0) != 0) return ctx.error("channels_last = 1 is not supported");
  if (ctx.shape(0).size() < 3) return ctx.error("X must be [N, C, spatial...]");
  RETURN_IF_ERROR(check_scale(ctx, 1, 0));
  if (ctx.has_input(2)) RETURN_IF_ERROR(check_u8_zero_point(ctx, 2));
  RETURN_IF_ERROR(check_scale(ctx, 3, 0));
  if (ctx.has_input(4)) RETURN_IF_ERROR(check_u8_zero_point(ctx, 4));
  Shape y = ctx.shape(0);
  for (size_t i = 2; i < y.size(); ++i) y[i] = 1;
  ctx.set_output(0, DType::kU8, y);
  return Status::Ok();
}

}  // namespace edgerun::ops
