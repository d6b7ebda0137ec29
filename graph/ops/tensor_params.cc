#include "graph/ops/tensor_params.h"

namespace edgerun {

NodeArgs::NodeArgs(const InferContext& ctx) : node_(ctx.node()) {
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    present_.push_back(ctx.has_input(i));
    values_.push_back(ctx.value(i));
  }
}

Result<const Tensor*> NodeArgs::value(size_t i) const {
  if (!has(i)) return static_cast<const Tensor*>(nullptr);
  const Tensor* v = i < values_.size() ? values_[i] : nullptr;
  if (v == nullptr) {
    return Status(StatusCode::kNeedsValue,
                  node_.describe() + ": output shape needs the value of input " + std::to_string(i));
  }
  return v;
}

Result<std::vector<int64_t>> NodeArgs::ints(size_t i, const std::vector<int64_t>& def) const {
  ASSIGN_OR_RETURN(const Tensor* t, value(i));
  if (t == nullptr) return def;
  if (!dtype_is_integer(t->dtype())) {
    return error("input " + std::to_string(i) + " must be an integer tensor, got " + dtype_name(t->dtype()));
  }
  return t->to_int64_vector();
}

Status require_inputs(const InferContext& ctx, size_t n, size_t max) {
  if (ctx.num_inputs() > max) {
    return ctx.error("has " + std::to_string(ctx.num_inputs()) + " inputs, at most " + std::to_string(max) + " allowed");
  }
  for (size_t i = 0; i < n; ++i) {
    if (!ctx.has_input(i)) return ctx.error("missing required input " + std::to_string(i));
  }
  return Status::Ok();
}

Result<std::vector<int64_t>> normalize_axes(const NodeArgs& args, std::vector<int64_t> axes, int64_t rank) {
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (int64_t& a : axes) {
    if (a < -rank || a >= rank) {
      return args.error("axis " + std::to_string(a) + " out of range for rank " + std::to_string(rank));
    }
    if (a < 0) a += rank;
    if (seen[static_cast<size_t>(a)]) return args.error("axis " + std::to_string(a) + " repeated");
    seen[static_cast<size_t>(a)] = true;
  }
  return axes;
}

Result<Tensor> constant_value(const NodeArgs& args) {
  const Attributes& a = args.attrs();
  if (a.has("sparse_value")) return unsupported(args.node().describe() + ": sparse_value is not supported");
  if (a.has("value_string") || a.has("value_strings")) {
    return unsupported(args.node().describe() + ": string constants are not supported");
  }
  int set = 0;
  for (const char* name : {"value", "value_float", "value_floats", "value_int", "value_ints"}) set += a.has(name);
  if (set != 1) return args.error("needs exactly one value attribute, has " + std::to_string(set));
  if (a.has("value")) {
    const Tensor* t = a.get_tensor("value");
    if (t == nullptr) return args.error("attribute 'value' is not a tensor");
    if (!dtype_is_supported(t->dtype())) {
      return unsupported(args.node().describe() + ": constant of type " + dtype_name(t->dtype()));
    }
    return *t;
  }
  if (a.has("value_float")) return Tensor::scalar<float>(a.get_float("value_float", 0));
  if (a.has("value_int")) return Tensor::scalar<int64_t>(a.get_int("value_int", 0));
  if (a.has("value_floats")) {
    const std::vector<float> v = a.get_floats("value_floats");
    return Tensor::from_vector<float>({static_cast<int64_t>(v.size())}, v);
  }
  const std::vector<int64_t> v = a.get_ints("value_ints");
  return Tensor::from_vector<int64_t>({static_cast<int64_t>(v.size())}, v);
}

Result<Tensor> constant_of_shape_value(const NodeArgs& args) {
  const Tensor* t = args.attrs().get_tensor("value");
  if (t == nullptr) {
    if (args.attrs().has("value")) return args.error("attribute 'value' is not a tensor");
    return Tensor::scalar<float>(0.0f);
  }
  if (t->num_elements() != 1) return args.error("attribute 'value' must have one element");
  if (!dtype_is_supported(t->dtype())) {
    return unsupported(args.node().describe() + ": value of type " + dtype_name(t->dtype()));
  }
  return *t;
}

DimRange shape_range(const NodeArgs& args, int64_t rank) {
  auto clamp = [rank](int64_t v) {
    if (v < 0) v += rank;
    return v < 0 ? 0 : (v > rank ? rank : v);
  };
  DimRange r;
  r.start = clamp(args.attrs().get_int("start", 0));
  r.end = clamp(args.attrs().get_int("end", rank));
  if (r.end < r.start) r.end = r.start;
  return r;
}

}  // namespace edgerun
