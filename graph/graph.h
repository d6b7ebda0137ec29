// The graph IR: values (tensors flowing between nodes, with optional constant data), nodes (ops with
// attributes) and the graph's declared inputs and outputs. Nodes refer to values by index.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "graph/attribute.h"
#include "graph/ops/op_type.h"
#include "graph/status.h"
#include "graph/tensor.h"

namespace edgerun {

using ValueId = int32_t;
constexpr ValueId kNoValue = -1;  // an omitted optional input

struct Value {
  std::string name;
  DType dtype = DType::kUndefined;
  SymShape shape;               // declared (graph inputs/outputs, value_info); may be partly symbolic
  bool has_shape = false;       // false: rank unknown
  std::optional<Tensor> constant;  // initializer or folded value
  QuantParams quant;            // set by quantization transforms and QDQ import
};

struct Node {
  std::string name;
  std::string op_type;  // as written in the model, for messages
  OpType op = OpType::kUnknown;
  int opset = 0;        // opset version of the node's domain in its model
  std::vector<ValueId> inputs;   // kNoValue for omitted optional inputs
  std::vector<ValueId> outputs;  // kNoValue for omitted optional outputs
  Attributes attrs;

  // "node 'conv1' (Conv)": the prefix every error about a node carries.
  std::string describe() const;
};

class Graph {
 public:
  std::string name;
  std::map<std::string, int64_t> opsets;  // domain -> version ("" is ai.onnx)
  std::vector<Value> values;
  std::vector<Node> nodes;
  std::vector<ValueId> inputs;   // runtime inputs (initializers excluded)
  std::vector<ValueId> outputs;

  // Returns the id of the value with this name, creating it if needed.
  ValueId value_id(const std::string& name);
  std::optional<ValueId> find_value(const std::string& name) const;
  bool is_output(ValueId id) const;
  // Gives a value a new name; an error if another value has it.
  Status rename_value(ValueId id, const std::string& new_name);
  ValueId add_constant(const std::string& name, Tensor t);
  Value& value(ValueId id) { return values[static_cast<size_t>(id)]; }
  const Value& value(ValueId id) const { return values[static_cast<size_t>(id)]; }
  // A name not used by any value yet, built from `base`.
  std::string unique_name(const std::string& base) const;

  // Orders nodes so every value is produced before it is read. Errors: a cycle (naming a node on it),
  // a value read but never produced and not an input or constant, a value produced twice.
  Status topological_sort();
  // For each value, the node producing it (-1 for inputs and constants).
  std::vector<int> producers() const;
  // For each value, how many node inputs and graph outputs read it.
  std::vector<int> use_counts() const;

 private:
  std::map<std::string, ValueId> by_name_;
};

}  // namespace edgerun
