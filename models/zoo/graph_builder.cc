#include "models/zoo/graph_builder.h"

#include <cmath>
#include <utility>

namespace edgerun::zoo {

uint64_t WeightStream::next_u64() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

float WeightStream::uniform() { return static_cast<float>(next_u64() >> 40) * (1.0f / 16777216.0f); }

float WeightStream::normal(float stddev) {
  if (has_spare_) {
    has_spare_ = false;
    return stddev * spare_;
  }
  // 1 - u keeps the log argument in (0, 1].
  const float radius = std::sqrt(-2.0f * std::log(1.0f - uniform()));
  const float angle = 6.2831853f * uniform();
  spare_ = radius * std::sin(angle);
  has_spare_ = true;
  return stddev * radius * std::cos(angle);
}

GraphBuilder::GraphBuilder(std::string graph_name, uint64_t seed, int opset) : stream_(seed), opset_(opset) {
  graph_.name = std::move(graph_name);
  graph_.opsets[""] = opset;
}

ValueId GraphBuilder::input(const std::string& name, DType dtype, const Shape& shape) {
  const ValueId id = graph_.value_id(name);
  Value& v = graph_.value(id);
  v.dtype = dtype;
  v.has_shape = true;
  v.shape.clear();
  for (int64_t d : shape) v.shape.push_back(SymDim{d, ""});
  graph_.inputs.push_back(id);
  return id;
}

void GraphBuilder::output(ValueId value, const std::string& rename) {
  if (!rename.empty()) {
    const ValueId renamed = graph_.value_id(rename);
    add_node("Identity", rename, {value}, {renamed}, {});
    value = renamed;
  }
  graph_.outputs.push_back(value);
}

void GraphBuilder::push_scope(const std::string& scope) { scopes_.push_back(scope); }
void GraphBuilder::pop_scope() { scopes_.pop_back(); }

std::string GraphBuilder::scoped(const std::string& name) const {
  std::string out;
  for (const std::string& s : scopes_) out += s + ".";
  return out + name;
}

ValueId GraphBuilder::add_param(const std::string& name, Tensor t) {
  return graph_.add_constant(graph_.unique_name(scoped(name)), std::move(t));
}

ValueId GraphBuilder::normal(const std::string& name, const Shape& shape, float stddev) {
  Tensor t = Tensor::allocate(DType::kF32, shape).value();
  float* p = t.data<float>();
  for (int64_t i = 0; i < t.num_elements(); ++i) p[i] = stream_.normal(stddev);
  return add_param(name, std::move(t));
}

ValueId GraphBuilder::uniform(const std::string& name, const Shape& shape, float low, float high) {
  Tensor t = Tensor::allocate(DType::kF32, shape).value();
  float* p = t.data<float>();
  for (int64_t i = 0; i < t.num_elements(); ++i) p[i] = low + (high - low) * stream_.uniform();
  return add_param(name, std::move(t));
}

ValueId GraphBuilder::fill(const std::string& name, const Shape& shape, float value) {
  Tensor t = Tensor::allocate(DType::kF32, shape).value();
  float* p = t.data<float>();
  for (int64_t i = 0; i < t.num_elements(); ++i) p[i] = value;
  return add_param(name, std::move(t));
}

ValueId GraphBuilder::constant(const std::string& name, Tensor t) { return add_param(name, std::move(t)); }

ValueId GraphBuilder::int64s(const std::string& name, const std::vector<int64_t>& values) {
  return add_param(name, Tensor::from_vector<int64_t>({static_cast<int64_t>(values.size())}, values));
}

ValueId GraphBuilder::op(const std::string& op_type, const std::string& name, const std::vector<ValueId>& inputs,
                         Attributes attrs) {
  return op_multi(op_type, name, inputs, 1, std::move(attrs))[0];
}

std::vector<ValueId> GraphBuilder::op_multi(const std::string& op_type, const std::string& name,
                                            const std::vector<ValueId>& inputs, int num_outputs,
                                            Attributes attrs) {
  const std::string node_name = unique_node_name(scoped(name));
  std::vector<ValueId> outputs;
  for (int i = 0; i < num_outputs; ++i) {
    const std::string out = node_name + "_out" + (num_outputs == 1 ? "" : std::to_string(i));
    outputs.push_back(graph_.value_id(graph_.unique_name(out)));
  }
  add_node(op_type, node_name, inputs, outputs, std::move(attrs));
  return outputs;
}

std::string GraphBuilder::unique_node_name(const std::string& base) {
  std::string name = base;
  for (int i = 1; node_names_.count(name) != 0; ++i) name = base + "_" + std::to_string(i);
  node_names_.insert(name);
  return name;
}

void GraphBuilder::add_node(const std::string& op_type, const std::string& name, const std::vector<ValueId>& inputs,
                            const std::vector<ValueId>& outputs, Attributes attrs) {
  Node node;
  node.name = name;
  node.op_type = op_type;
  node.opset = opset_;
  const auto known = find_op(op_type);
  if (known) {
    node.op = *known;
  } else if (error_.ok()) {
    error_ = unsupported("zoo builder: unknown op '" + op_type + "' at " + node.name);
  }
  node.inputs = inputs;
  node.outputs = outputs;
  node.attrs = std::move(attrs);
  graph_.nodes.push_back(std::move(node));
}

Result<Graph> GraphBuilder::finish() {
  RETURN_IF_ERROR(error_);
  RETURN_IF_ERROR(graph_.topological_sort());
  return std::move(graph_);
}

}  // namespace edgerun::zoo
