// Shape inference of EarlyExit (graph/ops/early_exit.h).
#include "graph/ops/early_exit.h"

#include "graph/ops/nn_common.h"
#include "graph/ops/op_schema.h"

namespace edgerun::ops {

Status infer_EarlyExit(InferContext& ctx) {
  if (ctx.num_inputs() != 1 && ctx.num_inputs() != 3) return ctx.error("takes 1 or 3 inputs");
  if (ctx.num_outputs() != 2) return ctx.error("has 2 outputs (merged, taken)");
  RETURN_IF_ERROR(expect_type(ctx, 0, {DType::kF32}));
  const Shape& x = ctx.shape(0);
  if (x.size() < 2) return ctx.error("logits must be [N, C, ...], got " + shape_to_string(x));
  Shape merged = x;
  if (ctx.attrs().has(early_exit_attr::kUpsample)) {
    const std::vector<int64_t> size = ctx.attrs().get_ints(early_exit_attr::kUpsample);
    if (x.size() != 4 || size.size() != 2 || size[0] < 1 || size[1] < 1)
      return ctx.error("upsample takes [H, W] >= 1 for logits [N, C, h, w]");
    merged = {x[0], x[1], size[0], size[1]};
  }
  if (ctx.num_inputs() == 3) {
    RETURN_IF_ERROR(expect_type(ctx, 1, {DType::kF32}));
    RETURN_IF_ERROR(expect_type(ctx, 2, {DType::kI64}));
    if (ctx.shape(1) != merged)
      return ctx.error("merged " + shape_to_string(ctx.shape(1)) + " must be " + shape_to_string(merged));
    if (ctx.shape(2) != Shape{x[0]}) return ctx.error("taken must be [N]");
  }
  if (ctx.attrs().get_int(early_exit_attr::kExitIndex, -1) < 0) return ctx.error("needs exit_index >= 0");
  const std::string rule = ctx.attrs().get_string(early_exit_attr::kRule, "");
  if (rule != "max_prob" && rule != "entropy" && rule != early_exit_attr::kAlways)
    return ctx.error("rule must be max_prob, entropy or always, got '" + rule + "'");
  ctx.set_output(0, DType::kF32, merged);
  ctx.set_output(1, DType::kI64, Shape{x[0]});
  return Status::Ok();
}

}  // namespace edgerun::ops
