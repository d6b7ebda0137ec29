// Shape inference for MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, LpPool, GlobalLpPool and
// MaxUnpool.
#include "graph/ops/nn_common.h"
#include "graph/ops/nn_extra.h"
#include "graph/ops/op_schema.h"

namespace edgerun::ops {

namespace {
Status infer_pool(InferContext& ctx, std::initializer_list<DType> types) {
  RETURN_IF_ERROR(expect_type(ctx, 0, types));
  const Shape& x = ctx.shape(0);
  if (!ctx.attrs().has("kernel_shape")) return ctx.error("kernel_shape is required");
  const bool ceil_mode = ctx.attrs().get_int("ceil_mode", 0) != 0;
  ASSIGN_OR_RETURN(WindowGeometry g, window_geometry(ctx.node(), x, ctx.attrs().get_ints("kernel_shape"), ceil_mode));
  Shape y = {x[0], x[1]};
  y.insert(y.end(), g.out.begin(), g.out.end());
  ctx.set_output(0, ctx.type(0), y);
  if (ctx.num_outputs() > 1) ctx.set_output(1, DType::kI64, y);
  return Status::Ok();
}

Status infer_global_pool(InferContext& ctx, std::initializer_list<DType> types) {
  RETURN_IF_ERROR(expect_type(ctx, 0, types));
  if (ctx.rank(0) < 3) return ctx.error("input " + shape_to_string(ctx.shape(0)) + " needs rank >= 3");
  Shape y = ctx.shape(0);
  std::fill(y.begin() + 2, y.end(), 1);
  ctx.set_output(0, ctx.type(0), y);
  return Status::Ok();
}
}  // namespace

Status infer_MaxPool(InferContext& ctx) {
  if (ctx.attrs().get_int("storage_order", 0) != 0 && ctx.attrs().get_int("storage_order", 0) != 1) {
    return ctx.error("storage_order must be 0 or 1");
  }
  return infer_pool(ctx, {DType::kF32, DType::kF64, DType::kI8, DType::kU8});
}
Status infer_AveragePool(InferContext& ctx) { return infer_pool(ctx, {DType::kF32, DType::kF64}); }
Status infer_GlobalAveragePool(InferContext& ctx) { return infer_global_pool(ctx, {DType::kF32, DType::kF64}); }
Status infer_GlobalMaxPool(InferContext& ctx) { return infer_global_pool(ctx, {DType::kF32, DType::kF64}); }

Status infer_LpPool(InferContext& ctx) {
  RETURN_IF_ERROR(lp_pool_order(ctx.node()).status());
  return infer_pool(ctx, {DType::kF32, DType::kF64});
}
Status infer_GlobalLpPool(InferContext& ctx) {
  RETURN_IF_ERROR(lp_pool_order(ctx.node()).status());
  return infer_global_pool(ctx, {DType::kF32, DType::kF64});
}

Status infer_MaxUnpool(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, {DType::kF32, DType::kF64}));
  RETURN_IF_ERROR(expect_type(ctx, 1, {DType::kI64}));
  const Shape& x = ctx.shape(0);
  if (ctx.shape(1) != x) {
    return ctx.error("indices " + shape_to_string(ctx.shape(1)) + " do not match input " + shape_to_string(x));
  }
  ASSIGN_OR_RETURN(WindowGeometry g, unpool_geometry(ctx.node(), x));
  Shape y = {x[0], x[1]};
  y.insert(y.end(), g.out.begin(), g.out.end());
  if (ctx.has_input(2)) {
    RETURN_IF_ERROR(expect_type(ctx, 2, {DType::kI64}));
    ASSIGN_OR_RETURN(const Tensor* shape, ctx.require_value(2));
    const Shape requested = shape->to_int64_vector();
    if (requested.size() != x.size() || requested[0] != x[0] || requested[1] != x[1]) {
      return ctx.error("output_shape " + shape_to_string(requested) + " does not fit input " + shape_to_string(x));
    }
    for (size_t d = 2; d < x.size(); ++d) {
      // A larger output only adds room at the end of each dim; it may not cut the pooling's input.
      if (requested[d] < y[d] || requested[d] > kMaxElements) {
        return ctx.error("output_shape " + shape_to_string(requested) + " is smaller than the unpooled shape " +
                         shape_to_string(y));
      }
    }
    y = requested;
  }
  ctx.set_output(0, ctx.type(0), y);
  return Status::Ok();
}

}  // namespace edgerun::ops
