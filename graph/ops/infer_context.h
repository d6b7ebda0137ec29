// Shape and type inference for one node on concrete shapes. The engine runs it when it compiles a
// graph for bound input shapes, and again at run time for the few nodes whose output shape depends on
// input values that are only known then (NonZero, a Reshape fed by computed data).
#pragma once

#include <vector>

#include "graph/graph.h"

namespace edgerun {

class InferContext {
 public:
  InferContext(const Node& node, std::vector<DType> in_types, std::vector<Shape> in_shapes,
               std::vector<const Tensor*> in_values)
      : node_(node), in_types_(std::move(in_types)), in_shapes_(std::move(in_shapes)),
        in_values_(std::move(in_values)), out_types_(node.outputs.size(), DType::kUndefined),
        out_shapes_(node.outputs.size()) {}

  const Node& node() const { return node_; }
  const Attributes& attrs() const { return node_.attrs; }
  int opset() const { return node_.opset; }

  size_t num_inputs() const { return in_types_.size(); }
  // False when the input is omitted (empty name) or past the end of the input list.
  bool has_input(size_t i) const { return i < in_types_.size() && in_types_[i] != DType::kUndefined; }
  DType type(size_t i) const { return in_types_[i]; }
  const Shape& shape(size_t i) const { return in_shapes_[i]; }
  int64_t rank(size_t i) const { return static_cast<int64_t>(in_shapes_[i].size()); }
  // The input's value when known (a constant, or any input at run time); nullptr otherwise.
  const Tensor* value(size_t i) const { return i < in_values_.size() ? in_values_[i] : nullptr; }
  // The input's value, or a kNeedsValue status telling the engine to infer this node at run time.
  Result<const Tensor*> require_value(size_t i) const;

  size_t num_outputs() const { return out_types_.size(); }
  void set_output(size_t i, DType type, Shape shape) {
    out_types_[i] = type;
    out_shapes_[i] = std::move(shape);
  }
  DType output_type(size_t i) const { return out_types_[i]; }
  const Shape& output_shape(size_t i) const { return out_shapes_[i]; }

  // Errors prefixed with the node, e.g. error("axis 5 out of range").
  Status error(const std::string& message) const { return invalid_model(node_.describe() + ": " + message); }

 private:
  const Node& node_;
  std::vector<DType> in_types_;
  std::vector<Shape> in_shapes_;
  std::vector<const Tensor*> in_values_;
  std::vector<DType> out_types_;
  std::vector<Shape> out_shapes_;
};

inline Result<const Tensor*> InferContext::require_value(size_t i) const {
  const Tensor* v = value(i);
  if (v == nullptr) {
    return Status(StatusCode::kNeedsValue, node_.describe() + ": output shape needs the value of input " +
                                               std::to_string(i));
  }
  return v;
}

}  // namespace edgerun
