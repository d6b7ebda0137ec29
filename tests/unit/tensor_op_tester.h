// A one-node harness for the tensor family's tests: builds a node with attributes and inputs, runs
// shape inference (optionally with some input values unknown, as at compile time) and the reference
// run function.
#pragma once

#include <string>
#include <vector>

#include "engine/ops/op_kernels.h"
#include "graph/ops/op_schema.h"

namespace edgerun::testing {

template <typename T>
std::vector<T> values_of(const Tensor& t);

class OpTester {
 public:
  explicit OpTester(const std::string& op, int opset = 17, size_t num_outputs = 1) {
    node_.name = "n";
    node_.op_type = op;
    node_.op = find_op(op).value_or(OpType::kUnknown);
    node_.opset = opset;
    for (size_t i = 0; i < num_outputs; ++i) node_.outputs.push_back(static_cast<ValueId>(i));
  }

  Attributes& attrs() { return node_.attrs; }
  OpTester& attr(const std::string& name, int64_t v) { node_.attrs.set_int(name, v); return *this; }
  OpTester& attr_f(const std::string& name, float v) { node_.attrs.set_float(name, v); return *this; }
  OpTester& attr(const std::string& name, const std::string& v) { node_.attrs.set_string(name, v); return *this; }
  OpTester& attr(const std::string& name, const std::vector<int64_t>& v) { node_.attrs.set_ints(name, v); return *this; }
  OpTester& attr_fs(const std::string& name, const std::vector<float>& v) { node_.attrs.set_floats(name, v); return *this; }

  // An input; `known` false hides its value from compile-time inference.
  OpTester& input(const Tensor& t, bool known = true) {
    inputs_.push_back(t);
    present_.push_back(true);
    known_.push_back(known);
    node_.inputs.push_back(static_cast<ValueId>(inputs_.size()));
    return *this;
  }
  OpTester& absent() {
    inputs_.emplace_back();
    present_.push_back(false);
    known_.push_back(false);
    node_.inputs.push_back(kNoValue);
    return *this;
  }

  // Compile-time inference: only inputs marked known carry values.
  Status infer() { return infer_with(false); }
  const Shape& shape(size_t i) const { return shapes_[i]; }
  DType type(size_t i) const { return types_[i]; }

  // Inference with every value known, then the run function; outputs in `outputs()`.
  Status run() {
    RETURN_IF_ERROR(infer_with(true));
    outputs_.clear();
    std::vector<Tensor*> out_ptrs;
    outputs_.reserve(types_.size());
    for (size_t i = 0; i < types_.size(); ++i) {
      ASSIGN_OR_RETURN(Tensor t, Tensor::allocate(types_[i], shapes_[i]));
      outputs_.push_back(std::move(t));
    }
    for (Tensor& t : outputs_) out_ptrs.push_back(&t);
    std::vector<const Tensor*> in_ptrs;
    for (size_t i = 0; i < inputs_.size(); ++i) in_ptrs.push_back(present_[i] ? &inputs_[i] : nullptr);
    KernelContext kctx(node_, in_ptrs, out_ptrs);
    return run_function(node_.op)(kctx);
  }
  const Tensor& output(size_t i = 0) const { return outputs_[i]; }
  template <typename T>
  std::vector<T> values(size_t i = 0) const {
    return values_of<T>(outputs_[i]);
  }

 private:
  Status infer_with(bool all_known) {
    std::vector<DType> types;
    std::vector<Shape> shapes;
    std::vector<const Tensor*> values;
    for (size_t i = 0; i < inputs_.size(); ++i) {
      types.push_back(present_[i] ? inputs_[i].dtype() : DType::kUndefined);
      shapes.push_back(present_[i] ? inputs_[i].shape() : Shape{});
      values.push_back(present_[i] && (all_known || known_[i]) ? &inputs_[i] : nullptr);
    }
    InferContext ctx(node_, types, shapes, values);
    RETURN_IF_ERROR(infer_node(ctx));
    types_.clear();
    shapes_.clear();
    for (size_t i = 0; i < ctx.num_outputs(); ++i) {
      types_.push_back(ctx.output_type(i));
      shapes_.push_back(ctx.output_shape(i));
    }
    return Status::Ok();
  }

  Node node_;
  std::vector<Tensor> inputs_;
  std::vector<bool> present_, known_;
  std::vector<DType> types_;
  std::vector<Shape> shapes_;
  std::vector<Tensor> outputs_;
};

// 0, 1, 2, ... as a tensor of `shape`.
template <typename T>
Tensor iota(const Shape& shape, T start = T(0)) {
  std::vector<T> v(static_cast<size_t>(num_elements(shape)));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<T>(start + static_cast<T>(i));
  return Tensor::from_vector<T>(shape, v);
}

template <typename T>
std::vector<T> values_of(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

inline Tensor i64(const std::vector<int64_t>& v) { return Tensor::from_vector<int64_t>({static_cast<int64_t>(v.size())}, v); }

// Row-major multi-index of a linear index.
inline std::vector<int64_t> unravel(int64_t linear, const Shape& shape) {
  std::vector<int64_t> idx(shape.size());
  for (size_t k = shape.size(); k-- > 0;) {
    idx[k] = linear % shape[k];
    linear /= shape[k];
  }
  return idx;
}

inline int64_t ravel(const std::vector<int64_t>& idx, const Shape& shape) {
  int64_t linear = 0;
  for (size_t k = 0; k < shape.size(); ++k) linear = linear * shape[k] + idx[k];
  return linear;
}

}  // namespace edgerun::testing
