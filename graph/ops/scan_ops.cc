// Shape inference for the ops that work along one axis: CumSum, TopK.
#include "graph/ops/op_schema.h"
#include "graph/ops/tensor_params.h"

namespace edgerun::ops {

Status infer_CumSum(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 2, 2));
  const DType t = ctx.type(0);
  if (!(t == DType::kF32 || t == DType::kF64 || dtype_is_integer(t))) {
    return unsupported(ctx.node().describe() + ": CumSum of type " + dtype_name(t));
  }
  if (!dtype_is_integer(ctx.type(1)) || num_elements(ctx.shape(1)) != 1) return ctx.error("axis must be an integer scalar");
  if (const Tensor* axis = ctx.value(1)) {
    if (!normalize_axis(axis->as_int64(0), ctx.rank(0)).ok() || ctx.rank(0) == 0) {
      return ctx.error("axis " + std::to_string(axis->as_int64(0)) + " out of range");
    }
  }
  ctx.set_output(0, t, ctx.shape(0));
  return Status::Ok();
}

Status infer_TopK(InferContext& ctx) {
  const NodeArgs args(ctx);
  int64_t k = 0;
  if (ctx.opset() < 10) {
    RETURN_IF_ERROR(require_inputs(ctx, 1, 1));
    if (!ctx.attrs().has("k")) return ctx.error("missing attribute 'k'");
    k = ctx.attrs().get_int("k", 0);
  } else {
    RETURN_IF_ERROR(require_inputs(ctx, 2, 2));
    ASSIGN_OR_RETURN(std::vector<int64_t> kv, args.ints(1));
    if (kv.size() != 1) return ctx.error("K must hold one element");
    k = kv[0];
  }
  const DType t = ctx.type(0);
  if (!(t == DType::kF32 || t == DType::kF64 || dtype_is_integer(t))) {
    return unsupported(ctx.node().describe() + ": TopK of type " + dtype_name(t));
  }
  const int64_t rank = ctx.rank(0);
  auto axis = normalize_axis(ctx.attrs().get_int("axis", -1), rank);
  if (!axis.ok() || rank == 0) return ctx.error("axis out of range for rank " + std::to_string(rank));
  Shape out = ctx.shape(0);
  const size_t a = static_cast<size_t>(axis.value());
  if (k < 0 || k > out[a]) return ctx.error("k = " + std::to_string(k) + " out of range for dim " + std::to_string(out[a]));
  out[a] = k;
  ctx.set_output(0, t, out);
  if (ctx.num_outputs() > 1) ctx.set_output(1, DType::kI64, out);
  return Status::Ok();
}

}  // namespace edgerun::ops
