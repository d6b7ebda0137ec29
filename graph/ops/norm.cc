// Shape inference for BatchNormalization (inference mode), InstanceNormalization and LayerNormalization.
#include "graph/ops/nn_common.h"
#include "graph/ops/op_schema.h"

namespace edgerun::ops {

namespace {
constexpr std::initializer_list<DType> kFloatTypes = {DType::kF32, DType::kF64};

// Inputs first..last must be [channels] of X's type.
Status expect_channel_vectors(const InferContext& ctx, size_t first, size_t last, int64_t channels) {
  for (size_t i = first; i <= last; ++i) {
    RETURN_IF_ERROR(expect_type(ctx, i, {ctx.type(0)}));
    if (ctx.shape(i) != Shape{channels}) {
      return ctx.error("input " + std::to_string(i) + " has shape " + shape_to_string(ctx.shape(i)) + "; expected [" +
                       std::to_string(channels) + "]");
    }
  }
  return Status::Ok();
}

bool output_wanted(const InferContext& ctx, size_t i) {
  return i < ctx.num_outputs() && ctx.node().outputs[i] != kNoValue;
}
}  // namespace

Status infer_BatchNormalization(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, kFloatTypes));
  if (ctx.rank(0) < 2) return ctx.error("input " + shape_to_string(ctx.shape(0)) + " needs rank >= 2");
  const bool training = ctx.opset() >= 14 ? ctx.attrs().get_int("training_mode", 0) != 0
                                          : output_wanted(ctx, 1) || ctx.attrs().get_int("is_test", 1) == 0;
  if (training) return unsupported(ctx.node().describe() + ": training mode (batch statistics) is not supported");
  if (ctx.attrs().get_int("spatial", 1) == 0) {
    return unsupported(ctx.node().describe() + ": spatial = 0 (per-activation statistics) is not supported");
  }
  RETURN_IF_ERROR(expect_channel_vectors(ctx, 1, 4, ctx.shape(0)[1]));
  ctx.set_output(0, ctx.type(0), ctx.shape(0));
  return Status::Ok();
}

Status infer_InstanceNormalization(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, kFloatTypes));
  if (ctx.rank(0) < 2) return ctx.error("input " + shape_to_string(ctx.shape(0)) + " needs rank >= 2");
  RETURN_IF_ERROR(expect_channel_vectors(ctx, 1, 2, ctx.shape(0)[1]));
  ctx.set_output(0, ctx.type(0), ctx.shape(0));
  return Status::Ok();
}

Status infer_LayerNormalization(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, kFloatTypes));
  if (ctx.attrs().get_int("stash_type", 1) != 1) {
    return unsupported(ctx.node().describe() + ": stash_type other than 1 (float) is not supported");
  }
  const Shape& x = ctx.shape(0);
  auto axis = normalize_axis(ctx.attrs().get_int("axis", -1), ctx.rank(0));
  if (!axis.ok() || ctx.rank(0) == 0) return ctx.error("axis out of range for input " + shape_to_string(x));
  const Shape normalized(x.begin() + axis.value(), x.end());
  for (size_t i = 1; i <= 2; ++i) {
    if (i == 2 && !ctx.has_input(2)) break;
    RETURN_IF_ERROR(expect_type(ctx, i, {ctx.type(0)}));
    auto b = broadcast_shapes(normalized, ctx.shape(i));
    if (!b.ok() || b.value() != normalized) {
      return ctx.error("input " + std::to_string(i) + " " + shape_to_string(ctx.shape(i)) +
                       " does not broadcast to the normalized shape " + shape_to_string(normalized));
    }
  }
  ctx.set_output(0, ctx.type(0), x);
  Shape stats = x;
  std::fill(stats.begin() + axis.value(), stats.end(), 1);
  for (size_t i = 1; i < ctx.num_outputs() && i < 3; ++i) ctx.set_output(i, DType::kF32, stats);
  return Status::Ok();
}

}  // namespace edgerun::ops
