// Shape inference for EyeLike, Compress, ReverseSequence and Unique.
#include "graph/ops/op_schema.h"
#include "graph/ops/select_params.h"
#include "graph/ops/tensor_params.h"

namespace edgerun::ops {

Status infer_EyeLike(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 1, 1));
  if (ctx.rank(0) != 2) return ctx.error("input " + shape_to_string(ctx.shape(0)) + " must be 2-D");
  DType type = ctx.type(0);
  if (ctx.attrs().has("dtype")) {
    type = static_cast<DType>(ctx.attrs().get_int("dtype", 0));
    if (!dtype_is_supported(type) || dtype_size(type) == 0) {
      return ctx.error("dtype " + std::to_string(ctx.attrs().get_int("dtype", 0)) + " is not supported");
    }
  }
  ctx.set_output(0, type, ctx.shape(0));
  return Status::Ok();
}

Status infer_Compress(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 2, 2));
  ASSIGN_OR_RETURN(const Tensor* condition, ctx.require_value(1));
  ASSIGN_OR_RETURN(CompressParams p, compress_params(ctx.node(), ctx.shape(0), *condition));
  const int64_t kept = static_cast<int64_t>(p.kept.size());
  Shape y = {kept};
  if (p.axis >= 0) {
    y = ctx.shape(0);
    y[static_cast<size_t>(p.axis)] = kept;
  }
  ctx.set_output(0, ctx.type(0), y);
  return Status::Ok();
}

Status infer_ReverseSequence(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 2, 2));
  const Shape& x = ctx.shape(0);
  const int64_t batch_axis = ctx.attrs().get_int("batch_axis", 1);
  const int64_t time_axis = ctx.attrs().get_int("time_axis", 0);
  if (x.size() < 2) return ctx.error("input " + shape_to_string(x) + " needs rank >= 2");
  if ((batch_axis != 0 && batch_axis != 1) || (time_axis != 0 && time_axis != 1) || batch_axis == time_axis) {
    return ctx.error("batch_axis and time_axis must be 0 and 1 in some order");
  }
  if (ctx.type(1) != DType::kI64 || ctx.shape(1) != Shape{x[static_cast<size_t>(batch_axis)]}) {
    return ctx.error("sequence_lens must be int64 [batch]");
  }
  ctx.set_output(0, ctx.type(0), x);
  return Status::Ok();
}

Status infer_Unique(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 1, 1));
  ASSIGN_OR_RETURN(const Tensor* x, ctx.require_value(0));
  ASSIGN_OR_RETURN(UniqueGroups g, unique_groups(ctx.node(), *x));
  const int64_t u = static_cast<int64_t>(g.first.size());
  Shape y = {u};
  if (g.axis >= 0) {
    y = x->shape();
    y[static_cast<size_t>(g.axis)] = u;
  }
  ctx.set_output(0, ctx.type(0), y);
  if (ctx.num_outputs() > 1) ctx.set_output(1, DType::kI64, {u});
  if (ctx.num_outputs() > 2) ctx.set_output(2, DType::kI64, {static_cast<int64_t>(g.inverse.size())});
  if (ctx.num_outputs() > 3) ctx.set_output(3, DType::kI64, {u});
  return Status::Ok();
}

}  // namespace edgerun::ops
