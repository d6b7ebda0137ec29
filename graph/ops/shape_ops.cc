// Shape inference for ops that only describe or reinterpret shapes: Constant, Shape, Size, Reshape,
// Flatten, Squeeze, Unsqueeze, Expand, ConstantOfShape, Range.
#include <cmath>

#include "graph/ops/op_schema.h"
#include "graph/ops/tensor_params.h"

namespace edgerun::ops {

namespace {

// Squeeze / Unsqueeze axes: an attribute before opset 13, an input from 13 on. `given` is false when
// absent. (Not an optional<vector>: GCC 12 warns falsely about it under -O3.)
Status axes_of(const NodeArgs& args, bool* given, std::vector<int64_t>* axes) {
  if (args.opset() < 13) {
    *given = args.attrs().has("axes");
    *axes = args.attrs().get_ints("axes");
    return Status::Ok();
  }
  *given = args.has(1);
  ASSIGN_OR_RETURN(*axes, args.ints(1));
  return Status::Ok();
}

Status require_integer(const InferContext& ctx, size_t i, const char* what) {
  if (!dtype_is_integer(ctx.type(i))) {
    return ctx.error(std::string(what) + " must be an integer tensor, got " + dtype_name(ctx.type(i)));
  }
  return Status::Ok();
}

}  // namespace

Status infer_Constant(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 0, 0));
  ASSIGN_OR_RETURN(Tensor t, constant_value(NodeArgs(ctx)));
  ctx.set_output(0, t.dtype(), t.shape());
  return Status::Ok();
}

Status infer_Shape(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 1, 1));
  const DimRange r = shape_range(NodeArgs(ctx), ctx.rank(0));
  ctx.set_output(0, DType::kI64, {r.end - r.start});
  return Status::Ok();
}

Status infer_Size(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 1, 1));
  ctx.set_output(0, DType::kI64, {});
  return Status::Ok();
}

Status infer_Reshape(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 1, 2));
  const NodeArgs args(ctx);
  std::vector<int64_t> target;
  if (ctx.has_input(1)) {
    RETURN_IF_ERROR(require_integer(ctx, 1, "shape"));
    if (ctx.rank(1) != 1) return ctx.error("shape must be 1-D");
    ASSIGN_OR_RETURN(target, args.ints(1));
  } else if (ctx.attrs().has("shape")) {  // opset < 5
    target = ctx.attrs().get_ints("shape");
  } else {
    return ctx.error("missing the shape input");
  }
  const bool allowzero = ctx.attrs().get_int("allowzero", 0) != 0;
  const Shape& in = ctx.shape(0);
  Shape out(target.size());
  int64_t infer_at = -1, known = 1;
  bool has_zero = false;
  for (size_t i = 0; i < target.size(); ++i) {
    const int64_t v = target[i];
    if (v == -1) {
      if (infer_at >= 0) return ctx.error("shape has more than one -1");
      infer_at = static_cast<int64_t>(i);
      continue;
    }
    if (v < -1) return ctx.error("shape has a negative dim " + std::to_string(v));
    if (v == 0 && !allowzero) {
      if (i >= in.size()) return ctx.error("shape copies dim " + std::to_string(i) + " the input does not have");
      out[i] = in[i];
    } else {
      out[i] = v;
      has_zero |= v == 0;
    }
    if (out[i] != 0 && known > kMaxElements / out[i]) return ctx.error("shape too large");
    known *= out[i];
  }
  if (allowzero && has_zero && infer_at >= 0) return ctx.error("allowzero shape has both 0 and -1");
  const int64_t count = num_elements(in);
  if (infer_at >= 0) {
    if (known == 0 || count % known != 0) {
      return ctx.error("cannot reshape " + shape_to_string(in) + " to " + shape_to_string(target));
    }
    out[static_cast<size_t>(infer_at)] = count / known;
  } else if (known != count) {
    return ctx.error("cannot reshape " + shape_to_string(in) + " to " + shape_to_string(target));
  }
  ctx.set_output(0, ctx.type(0), out);
  return Status::Ok();
}

Status infer_Flatten(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 1, 1));
  const int64_t rank = ctx.rank(0);
  int64_t axis = ctx.attrs().get_int("axis", 1);
  if (axis < -rank || axis > rank) return ctx.error("axis " + std::to_string(axis) + " out of range");
  if (axis < 0) axis += rank;
  const Shape& in = ctx.shape(0);
  const Shape head(in.begin(), in.begin() + axis), tail(in.begin() + axis, in.end());
  ctx.set_output(0, ctx.type(0), {num_elements(head), num_elements(tail)});
  return Status::Ok();
}

Status infer_Squeeze(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 1, 2));
  const NodeArgs args(ctx);
  const Shape& in = ctx.shape(0);
  bool given = false;
  std::vector<int64_t> axes;
  RETURN_IF_ERROR(axes_of(args, &given, &axes));
  std::vector<bool> drop(in.size(), false);
  if (!given || axes.empty()) {  // empty axes squeeze every size-1 dim, as in ONNX Runtime
    for (size_t i = 0; i < in.size(); ++i) drop[i] = in[i] == 1;
  } else {
    ASSIGN_OR_RETURN(axes, normalize_axes(args, axes, ctx.rank(0)));
    for (int64_t a : axes) {
      if (in[static_cast<size_t>(a)] != 1) {
        return ctx.error("cannot squeeze axis " + std::to_string(a) + " of size " +
                         std::to_string(in[static_cast<size_t>(a)]));
      }
      drop[static_cast<size_t>(a)] = true;
    }
  }
  Shape out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (!drop[i]) out.push_back(in[i]);
  }
  ctx.set_output(0, ctx.type(0), out);
  return Status::Ok();
}

Status infer_Unsqueeze(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 1, 2));
  const NodeArgs args(ctx);
  const Shape& in = ctx.shape(0);
  bool given = false;
  std::vector<int64_t> axes;
  RETURN_IF_ERROR(axes_of(args, &given, &axes));
  if (!given) return ctx.error("missing axes");
  const int64_t out_rank = ctx.rank(0) + static_cast<int64_t>(axes.size());
  ASSIGN_OR_RETURN(axes, normalize_axes(args, axes, out_rank));
  Shape out(static_cast<size_t>(out_rank), 1);
  std::vector<bool> inserted(out.size(), false);
  for (int64_t a : axes) inserted[static_cast<size_t>(a)] = true;
  size_t next = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    if (!inserted[i]) out[i] = in[next++];
  }
  ctx.set_output(0, ctx.type(0), out);
  return Status::Ok();
}

Status infer_Expand(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 2, 2));
  RETURN_IF_ERROR(require_integer(ctx, 1, "shape"));
  if (ctx.rank(1) != 1) return ctx.error("shape must be 1-D");
  ASSIGN_OR_RETURN(std::vector<int64_t> shape, NodeArgs(ctx).ints(1));
  for (int64_t d : shape) {
    if (d < 0) return ctx.error("shape has a negative dim " + std::to_string(d));
  }
  auto out = broadcast_shapes(ctx.shape(0), shape);
  if (!out.ok()) return ctx.error(out.status().message());
  ctx.set_output(0, ctx.type(0), out.value());
  return Status::Ok();
}

Status infer_ConstantOfShape(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 1, 1));
  const NodeArgs args(ctx);
  ASSIGN_OR_RETURN(Tensor value, constant_of_shape_value(args));
  RETURN_IF_ERROR(require_integer(ctx, 0, "shape"));
  if (ctx.rank(0) != 1) return ctx.error("shape must be 1-D");
  ASSIGN_OR_RETURN(std::vector<int64_t> shape, args.ints(0));
  for (int64_t d : shape) {
    if (d < 0) return ctx.error("shape has a negative dim " + std::to_string(d));
  }
  ctx.set_output(0, value.dtype(), shape);
  return Status::Ok();
}

Status infer_Range(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 3, 3));
  const DType t = ctx.type(0);
  if (ctx.type(1) != t || ctx.type(2) != t) return ctx.error("start, limit and delta must have one type");
  if (t != DType::kF32 && t != DType::kF64 && t != DType::kI16 && t != DType::kI32 && t != DType::kI64) {
    return unsupported(ctx.node().describe() + ": Range of type " + dtype_name(t));
  }
  const NodeArgs args(ctx);
  const Tensor* v[3];
  for (size_t i = 0; i < 3; ++i) {
    ASSIGN_OR_RETURN(v[i], args.value(i));
    if (v[i]->num_elements() != 1) return ctx.error("input " + std::to_string(i) + " must be a scalar");
  }
  int64_t n = 0;
  if (dtype_is_integer(t)) {
    const int64_t start = v[0]->as_int64(0), limit = v[1]->as_int64(0), delta = v[2]->as_int64(0);
    if (delta == 0) return ctx.error("delta is zero");
    const int64_t span = limit - start;
    if (span != 0 && (span > 0) == (delta > 0)) {
      const int64_t a = span > 0 ? span : -span, d = delta > 0 ? delta : -delta;
      n = a / d + (a % d != 0);
    }
  } else {
    const double count = std::ceil((v[1]->as_double(0) - v[0]->as_double(0)) / v[2]->as_double(0));
    if (std::isnan(count)) return ctx.error("start, limit or delta is not finite");
    if (count > static_cast<double>(kMaxElements)) return ctx.error("range too long");
    n = count > 0 ? static_cast<int64_t>(count) : 0;
  }
  ctx.set_output(0, t, {n});
  return Status::Ok();
}

}  // namespace edgerun::ops
