// Shape inference for the index-driven ops: Gather, GatherElements, GatherND, ScatterElements,
// ScatterND, Scatter, OneHot, NonZero.
#include "graph/ops/op_schema.h"
#include "graph/ops/tensor_params.h"

namespace edgerun::ops {

namespace {

Status require_index_type(const InferContext& ctx, size_t i) {
  if (ctx.type(i) != DType::kI32 && ctx.type(i) != DType::kI64) {
    return ctx.error(std::string("indices must be int32 or int64, got ") + dtype_name(ctx.type(i)));
  }
  return Status::Ok();
}

Result<int64_t> axis_of(const InferContext& ctx, int64_t rank) {
  const int64_t axis = ctx.attrs().get_int("axis", 0);
  if (rank == 0 || axis < -rank || axis >= rank) {
    return ctx.error("axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
  }
  return axis < 0 ? axis + rank : axis;
}

Status check_reduction(const InferContext& ctx) {
  const std::string r = ctx.attrs().get_string("reduction", "none");
  if (r != "none" && r != "add" && r != "mul" && r != "max" && r != "min") {
    return ctx.error("unknown reduction '" + r + "'");
  }
  if (r != "none" && ctx.type(0) == DType::kBool) return ctx.error("reduction on bool data");
  if (r != "none" && ctx.type(0) == DType::kF16) {
    return unsupported(ctx.node().describe() + ": reduction on f16 data");
  }
  return Status::Ok();
}

}  // namespace

Status infer_Gather(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 2, 2));
  RETURN_IF_ERROR(require_index_type(ctx, 1));
  ASSIGN_OR_RETURN(int64_t axis, axis_of(ctx, ctx.rank(0)));
  const Shape& data = ctx.shape(0);
  Shape out(data.begin(), data.begin() + axis);
  out.insert(out.end(), ctx.shape(1).begin(), ctx.shape(1).end());
  out.insert(out.end(), data.begin() + axis + 1, data.end());
  ctx.set_output(0, ctx.type(0), out);
  return Status::Ok();
}

Status infer_GatherElements(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 2, 2));
  RETURN_IF_ERROR(require_index_type(ctx, 1));
  ASSIGN_OR_RETURN(int64_t axis, axis_of(ctx, ctx.rank(0)));
  const Shape &data = ctx.shape(0), &indices = ctx.shape(1);
  if (indices.size() != data.size()) return ctx.error("data and indices differ in rank");
  for (size_t k = 0; k < data.size(); ++k) {
    if (static_cast<int64_t>(k) != axis && indices[k] > data[k]) {
      return ctx.error("indices " + shape_to_string(indices) + " exceed data " + shape_to_string(data));
    }
  }
  ctx.set_output(0, ctx.type(0), indices);
  return Status::Ok();
}

Status infer_GatherND(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 2, 2));
  if (ctx.type(1) != DType::kI64) return ctx.error("indices must be int64");
  const Shape &data = ctx.shape(0), &indices = ctx.shape(1);
  const int64_t r = ctx.rank(0), q = ctx.rank(1), b = ctx.attrs().get_int("batch_dims", 0);
  if (r < 1 || q < 1) return ctx.error("data and indices must have rank >= 1");
  if (b < 0 || b >= std::min(r, q)) return ctx.error("batch_dims " + std::to_string(b) + " out of range");
  for (size_t k = 0; k < static_cast<size_t>(b); ++k) {
    if (data[k] != indices[k]) return ctx.error("batch dims of data and indices differ");
  }
  const int64_t k = indices.back();
  if (k < 1 || k > r - b) return ctx.error("indices' last dim " + std::to_string(k) + " out of range");
  Shape out(indices.begin(), indices.end() - 1);
  out.insert(out.end(), data.begin() + b + k, data.end());
  ctx.set_output(0, ctx.type(0), out);
  return Status::Ok();
}

Status infer_ScatterElements(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 3, 3));
  RETURN_IF_ERROR(require_index_type(ctx, 1));
  RETURN_IF_ERROR(check_reduction(ctx));
  ASSIGN_OR_RETURN(int64_t axis, axis_of(ctx, ctx.rank(0)));
  const Shape &data = ctx.shape(0), &indices = ctx.shape(1);
  if (ctx.type(2) != ctx.type(0)) return ctx.error("updates and data differ in type");
  if (ctx.shape(2) != indices) return ctx.error("updates and indices differ in shape");
  if (indices.size() != data.size()) return ctx.error("data and indices differ in rank");
  for (size_t k = 0; k < data.size(); ++k) {
    if (static_cast<int64_t>(k) != axis && indices[k] > data[k]) {
      return ctx.error("indices " + shape_to_string(indices) + " exceed data " + shape_to_string(data));
    }
  }
  ctx.set_output(0, ctx.type(0), data);
  return Status::Ok();
}

Status infer_Scatter(InferContext& ctx) { return infer_ScatterElements(ctx); }

Status infer_ScatterND(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 3, 3));
  if (ctx.type(1) != DType::kI64) return ctx.error("indices must be int64");
  RETURN_IF_ERROR(check_reduction(ctx));
  if (ctx.type(2) != ctx.type(0)) return ctx.error("updates and data differ in type");
  const Shape &data = ctx.shape(0), &indices = ctx.shape(1);
  if (data.empty() || indices.empty()) return ctx.error("data and indices must have rank >= 1");
  const int64_t k = indices.back();
  if (k < 1 || k > ctx.rank(0)) return ctx.error("indices' last dim " + std::to_string(k) + " out of range");
  Shape updates(indices.begin(), indices.end() - 1);
  updates.insert(updates.end(), data.begin() + k, data.end());
  if (ctx.shape(2) != updates) {
    return ctx.error("updates shape " + shape_to_string(ctx.shape(2)) + ", expected " + shape_to_string(updates));
  }
  ctx.set_output(0, ctx.type(0), data);
  return Status::Ok();
}

Status infer_OneHot(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 3, 3));
  const NodeArgs args(ctx);
  if (ctx.type(0) == DType::kBool || ctx.type(1) == DType::kBool) return ctx.error("indices and depth must be numeric");
  if (num_elements(ctx.shape(2)) != 2 || ctx.rank(2) != 1) return ctx.error("values must hold two elements");
  ASSIGN_OR_RETURN(const Tensor* depth_t, args.value(1));
  if (depth_t->num_elements() != 1) return ctx.error("depth must be a scalar");
  const double depth = depth_t->as_double(0);
  if (!(depth >= 1) || depth > static_cast<double>(kMaxElements)) return ctx.error("depth must be positive");
  const int64_t rank = ctx.rank(0);
  int64_t axis = ctx.attrs().get_int("axis", -1);
  if (axis < -rank - 1 || axis > rank) return ctx.error("axis " + std::to_string(axis) + " out of range");
  if (axis < 0) axis += rank + 1;
  Shape out = ctx.shape(0);
  out.insert(out.begin() + axis, static_cast<int64_t>(depth));
  ctx.set_output(0, ctx.type(2), out);
  return Status::Ok();
}

namespace {

template <typename T>
int64_t count_nonzero(const Tensor& t) {
  const T* p = t.data<T>();
  int64_t n = 0;
  for (int64_t i = 0, e = t.num_elements(); i < e; ++i) n += p[i] != T(0);
  return n;
}

}  // namespace

Status infer_NonZero(InferContext& ctx) {
  RETURN_IF_ERROR(require_inputs(ctx, 1, 1));
  ASSIGN_OR_RETURN(const Tensor* x, NodeArgs(ctx).value(0));
  int64_t nnz = 0;
  switch (x->dtype()) {
#define EDGERUN_COUNT(T) nnz = count_nonzero<T>(*x); break;
    EDGERUN_ALL_CASES(EDGERUN_COUNT);
#undef EDGERUN_COUNT
    default: return unsupported(ctx.node().describe() + ": NonZero of type " + dtype_name(x->dtype()));
  }
  // A scalar counts as a one-element vector, as in ONNX Runtime.
  ctx.set_output(0, DType::kI64, {std::max<int64_t>(ctx.rank(0), 1), nnz});
  return Status::Ok();
}

}  // namespace edgerun::ops
