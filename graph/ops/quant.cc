// Shape inference for QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear.
#include "graph/ops/nn_common.h"
#include "graph/ops/op_schema.h"

namespace edgerun::ops {

namespace {
constexpr std::initializer_list<DType> kQuantTypes = {DType::kU8, DType::kI8};

// Scale (input 1) and zero point (input 2, optional, of type zp_types) per tensor or along `axis`.
Status check_scale_and_zero_point(const InferContext& ctx, std::initializer_list<DType> zp_types) {
  RETURN_IF_ERROR(expect_type(ctx, 1, {DType::kF32}));
  int64_t axis_len = 0;
  if (ctx.rank(1) == 1 && ctx.shape(1)[0] != 1) {
    auto axis = normalize_axis(ctx.attrs().get_int("axis", 1), ctx.rank(0));
    if (!axis.ok() || ctx.rank(0) == 0) return ctx.error("axis out of range for input " + shape_to_string(ctx.shape(0)));
    axis_len = ctx.shape(0)[static_cast<size_t>(axis.value())];
  }
  RETURN_IF_ERROR(expect_scalar_or_vector(ctx, 1, axis_len));
  if (!ctx.has_input(2)) return Status::Ok();
  RETURN_IF_ERROR(expect_type(ctx, 2, zp_types));
  if (ctx.shape(2) != ctx.shape(1) && num_elements(ctx.shape(2)) != num_elements(ctx.shape(1))) {
    return ctx.error("zero point " + shape_to_string(ctx.shape(2)) + " and scale " + shape_to_string(ctx.shape(1)) +
                     " differ in shape");
  }
  return Status::Ok();
}
}  // namespace

Status infer_QuantizeLinear(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, {DType::kF32, DType::kI32}));
  RETURN_IF_ERROR(check_scale_and_zero_point(ctx, kQuantTypes));
  ctx.set_output(0, ctx.has_input(2) ? ctx.type(2) : DType::kU8, ctx.shape(0));
  return Status::Ok();
}

Status infer_DequantizeLinear(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, {DType::kU8, DType::kI8, DType::kI32}));
  RETURN_IF_ERROR(check_scale_and_zero_point(ctx, {ctx.type(0)}));
  ctx.set_output(0, DType::kF32, ctx.shape(0));
  return Status::Ok();
}

Status infer_DynamicQuantizeLinear(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, {DType::kF32}));
  ctx.set_output(0, DType::kU8, ctx.shape(0));
  if (ctx.num_outputs() > 1) ctx.set_output(1, DType::kF32, {});
  if (ctx.num_outputs() > 2) ctx.set_output(2, DType::kU8, {});
  return Status::Ok();
}

}  // namespace edgerun::ops
