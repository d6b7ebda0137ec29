// Shape and type inference of the element-wise ops (graph/ops/elementwise_ops.inc).
#include <string>

#include "graph/ops/elementwise_types.h"
#include "graph/ops/op_schema.h"

namespace edgerun::ops {

namespace {

Status check_arity(const InferContext& ctx, size_t min_inputs, size_t max_inputs) {
  if (ctx.num_inputs() < min_inputs || ctx.num_inputs() > max_inputs) {
    return ctx.error("expects " + std::to_string(min_inputs) +
                     (max_inputs == min_inputs ? "" : " to " + std::to_string(max_inputs)) + " inputs, got " +
                     std::to_string(ctx.num_inputs()));
  }
  for (size_t i = 0; i < min_inputs; ++i) {
    if (!ctx.has_input(i)) return ctx.error("input " + std::to_string(i) + " is required");
  }
  if (ctx.num_outputs() < 1) return ctx.error("has no output");
  return Status::Ok();
}

Status check_type(const InferContext& ctx, size_t i, uint32_t types) {
  if (type_in(ctx.type(i), types)) return Status::Ok();
  return ctx.error("input " + std::to_string(i) + " has type " + dtype_name(ctx.type(i)) +
                   ", which this op does not accept");
}

Status check_same_type(const InferContext& ctx, size_t i, size_t j) {
  if (ctx.type(i) == ctx.type(j)) return Status::Ok();
  return ctx.error("inputs " + std::to_string(i) + " and " + std::to_string(j) + " differ in type (" +
                   dtype_name(ctx.type(i)) + " vs " + dtype_name(ctx.type(j)) + ")");
}

Status check_one_element(const InferContext& ctx, size_t i) {
  int64_t n = 1;
  for (int64_t d : ctx.shape(i)) n *= d;
  if (n == 1) return Status::Ok();
  return ctx.error("input " + std::to_string(i) + " must be a scalar, got shape " + shape_to_string(ctx.shape(i)));
}

// Broadcast shape of inputs [first, last).
Result<Shape> broadcast_inputs(const InferContext& ctx, size_t first, size_t last) {
  Shape out = ctx.shape(first);
  for (size_t i = first + 1; i < last; ++i) {
    auto b = broadcast_shapes(out, ctx.shape(i));
    if (!b.ok()) {
      return ctx.error("cannot broadcast input shapes " + shape_to_string(out) + " and " +
                       shape_to_string(ctx.shape(i)));
    }
    out = std::move(b).value();
  }
  return out;
}

Status infer_unary(InferContext& ctx, uint32_t types, bool bool_output) {
  RETURN_IF_ERROR(check_arity(ctx, 1, 1));
  RETURN_IF_ERROR(check_type(ctx, 0, types));
  ctx.set_output(0, bool_output ? DType::kBool : ctx.type(0), ctx.shape(0));
  return Status::Ok();
}

// All inputs (at least min_inputs, at most max_inputs) of one type from `types`, broadcast together.
Status infer_broadcast(InferContext& ctx, uint32_t types, size_t min_inputs, size_t max_inputs, bool bool_output) {
  RETURN_IF_ERROR(check_arity(ctx, min_inputs, max_inputs));
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    if (!ctx.has_input(i)) return ctx.error("input " + std::to_string(i) + " is required");
    RETURN_IF_ERROR(check_type(ctx, i, types));
    RETURN_IF_ERROR(check_same_type(ctx, 0, i));
  }
  ASSIGN_OR_RETURN(Shape out, broadcast_inputs(ctx, 0, ctx.num_inputs()));
  ctx.set_output(0, bool_output ? DType::kBool : ctx.type(0), std::move(out));
  return Status::Ok();
}

constexpr size_t kMaxVariadicInputs = 1 << 16;

}  // namespace

#define EDGERUN_EW_UNARY(Name, types) \
  Status infer_##Name(InferContext& ctx) { return infer_unary(ctx, types, false); }
#define EDGERUN_EW_ACTIVATION(Name, types) EDGERUN_EW_UNARY(Name, types)
#define EDGERUN_EW_PREDICATE(Name, types) \
  Status infer_##Name(InferContext& ctx) { return infer_unary(ctx, types, true); }
#define EDGERUN_EW_ARITH(Name, types) \
  Status infer_##Name(InferContext& ctx) { return infer_broadcast(ctx, types, 2, 2, false); }
#define EDGERUN_EW_COMPARE(Name, types) \
  Status infer_##Name(InferContext& ctx) { return infer_broadcast(ctx, types, 2, 2, true); }
#define EDGERUN_EW_VARIADIC(Name, types) \
  Status infer_##Name(InferContext& ctx) { return infer_broadcast(ctx, types, 1, kMaxVariadicInputs, false); }
#include "graph/ops/elementwise_table.inc"

Status infer_IsInf(InferContext& ctx) { return infer_unary(ctx, kFloatTypes, true); }

Status infer_Mod(InferContext& ctx) {
  RETURN_IF_ERROR(infer_broadcast(ctx, kNumericTypes, 2, 2, false));
  if (dtype_is_float(ctx.type(0)) && ctx.attrs().get_int("fmod", 0) != 1) {
    return ctx.error("fmod must be 1 for floating-point inputs");
  }
  return Status::Ok();
}

Status infer_BitShift(InferContext& ctx) {
  RETURN_IF_ERROR(infer_broadcast(ctx, kUnsignedIntTypes, 2, 2, false));
  const std::string direction = ctx.attrs().get_string("direction", "");
  if (direction != "LEFT" && direction != "RIGHT") {
    return ctx.error("direction must be LEFT or RIGHT, got '" + direction + "'");
  }
  return Status::Ok();
}

// ONNX Pow-12+ lets the exponent have any numeric type; the result has the base's type.
Status infer_Pow(InferContext& ctx) {
  RETURN_IF_ERROR(check_arity(ctx, 2, 2));
  RETURN_IF_ERROR(check_type(ctx, 0, kNumericTypes));
  RETURN_IF_ERROR(check_type(ctx, 1, kNumericTypes));
  ASSIGN_OR_RETURN(Shape out, broadcast_inputs(ctx, 0, 2));
  ctx.set_output(0, ctx.type(0), std::move(out));
  return Status::Ok();
}

// The slope broadcasts to X (unidirectionally): the output has X's shape.
Status infer_PRelu(InferContext& ctx) {
  RETURN_IF_ERROR(check_arity(ctx, 2, 2));
  RETURN_IF_ERROR(check_type(ctx, 0, kNumericTypes));
  RETURN_IF_ERROR(check_same_type(ctx, 0, 1));
  auto out = broadcast_shapes(ctx.shape(0), prelu_slope_shape(ctx.opset(), ctx.shape(0), ctx.shape(1)));
  if (!out.ok() || out.value() != ctx.shape(0)) {
    return ctx.error("slope shape " + shape_to_string(ctx.shape(1)) + " does not broadcast to input shape " +
                     shape_to_string(ctx.shape(0)));
  }
  ctx.set_output(0, ctx.type(0), ctx.shape(0));
  return Status::Ok();
}

// Opset < 11: bounds are the float attributes min and max. Opset 11+: optional scalar inputs.
Status infer_Clip(InferContext& ctx) {
  const bool bounds_are_inputs = ctx.opset() >= 11;
  RETURN_IF_ERROR(check_arity(ctx, 1, bounds_are_inputs ? 3 : 1));
  RETURN_IF_ERROR(check_type(ctx, 0, bounds_are_inputs ? kNumericTypes : kFloatTypes));
  for (size_t i = 1; i < ctx.num_inputs(); ++i) {
    if (!ctx.has_input(i)) continue;
    RETURN_IF_ERROR(check_same_type(ctx, 0, i));
    RETURN_IF_ERROR(check_one_element(ctx, i));
  }
  ctx.set_output(0, ctx.type(0), ctx.shape(0));
  return Status::Ok();
}

Status infer_Identity(InferContext& ctx) {
  RETURN_IF_ERROR(check_arity(ctx, 1, 1));
  ctx.set_output(0, ctx.type(0), ctx.shape(0));
  return Status::Ok();
}

// Inference mode: output = input, mask (optional) all true. The mask is bool from opset 10, before that
// it has the input's type. Opset 12+ takes ratio and training_mode as optional scalar inputs.
Status infer_Dropout(InferContext& ctx) {
  const bool inputs_ratio = ctx.opset() >= 12;
  RETURN_IF_ERROR(check_arity(ctx, 1, inputs_ratio ? 3 : 1));
  RETURN_IF_ERROR(check_type(ctx, 0, kFloatTypes));
  if (ctx.has_input(1)) {
    RETURN_IF_ERROR(check_type(ctx, 1, kFloatTypes));
    RETURN_IF_ERROR(check_one_element(ctx, 1));
  }
  if (ctx.has_input(2)) {
    RETURN_IF_ERROR(check_type(ctx, 2, kBoolTypes));
    RETURN_IF_ERROR(check_one_element(ctx, 2));
  }
  if (ctx.num_outputs() > 2) return ctx.error("has more than 2 outputs");
  ctx.set_output(0, ctx.type(0), ctx.shape(0));
  if (ctx.num_outputs() > 1) ctx.set_output(1, ctx.opset() >= 10 ? DType::kBool : ctx.type(0), ctx.shape(0));
  return Status::Ok();
}

Status infer_Where(InferContext& ctx) {
  RETURN_IF_ERROR(check_arity(ctx, 3, 3));
  RETURN_IF_ERROR(check_type(ctx, 0, kBoolTypes));
  RETURN_IF_ERROR(check_same_type(ctx, 1, 2));
  ASSIGN_OR_RETURN(Shape out, broadcast_inputs(ctx, 0, 3));
  ctx.set_output(0, ctx.type(1), std::move(out));
  return Status::Ok();
}

Status infer_Cast(InferContext& ctx) {
  RETURN_IF_ERROR(check_arity(ctx, 1, 1));
  if (!ctx.attrs().has("to")) return ctx.error("attribute 'to' is required");
  const int64_t to = ctx.attrs().get_int("to", 0);
  const DType type = to >= 0 && to <= static_cast<int64_t>(DType::kU64) ? static_cast<DType>(to) : DType::kUndefined;
  if (!dtype_is_supported(type)) {
    return unsupported(ctx.node().describe() + ": cast to ONNX element type " + std::to_string(to));
  }
  ctx.set_output(0, type, ctx.shape(0));
  return Status::Ok();
}

Status infer_CastLike(InferContext& ctx) {
  RETURN_IF_ERROR(check_arity(ctx, 2, 2));
  ctx.set_output(0, ctx.type(1), ctx.shape(0));
  return Status::Ok();
}

}  // namespace edgerun::ops
