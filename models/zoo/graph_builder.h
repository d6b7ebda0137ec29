// GraphBuilder: the small API the zoo's native builders write models with. It appends nodes to a
// Graph in program order (the order PyTorch's exporter would write them), names values under a scope
// stack ("layer1.0.conv1.weight"), and draws every parameter from one seeded stream, so the same
// model name and seed always give the same weights, bit for bit, on every machine.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace edgerun::zoo {

// splitmix64: tiny, fast, and the same on every platform (std:: distributions are not).
class WeightStream {
 public:
  explicit WeightStream(uint64_t seed) : state_(seed) {}
  uint64_t next_u64();
  float uniform();                 // [0, 1)
  float normal(float stddev);      // Box-Muller, mean 0
 private:
  uint64_t state_;
  // Box-Muller makes normals in pairs; the second waits here for the next call.
  float spare_ = 0.0f;
  bool has_spare_ = false;
};

class GraphBuilder {
 public:
  GraphBuilder(std::string graph_name, uint64_t seed, int opset = 17);

  // Declared runtime input / graph output.
  ValueId input(const std::string& name, DType dtype, const Shape& shape);
  void output(ValueId value, const std::string& rename = "");

  // Names: "<scope>.<name>" with the scopes pushed so far ("" at top level).
  void push_scope(const std::string& scope);
  void pop_scope();
  std::string scoped(const std::string& name) const;

  // Parameters (initializers), named under the current scope.
  ValueId normal(const std::string& name, const Shape& shape, float stddev);
  ValueId uniform(const std::string& name, const Shape& shape, float low, float high);
  ValueId fill(const std::string& name, const Shape& shape, float value);
  ValueId constant(const std::string& name, Tensor t);  // any dtype (shapes, axes, indices)
  ValueId int64s(const std::string& name, const std::vector<int64_t>& values);  // 1-D int64 constant

  // One node with one output; the output value is named "<scoped name>_out" unless given.
  ValueId op(const std::string& op_type, const std::string& name, const std::vector<ValueId>& inputs,
             Attributes attrs = {});
  // A node with several outputs (Split).
  std::vector<ValueId> op_multi(const std::string& op_type, const std::string& name,
                                const std::vector<ValueId>& inputs, int num_outputs, Attributes attrs = {});

  Graph& graph() { return graph_; }
  WeightStream& weights() { return stream_; }
  // Checks the graph (topological order, every op known) and hands it over.
  Result<Graph> finish();

 private:
  ValueId add_param(const std::string& name, Tensor t);
  // A node name not used yet ("layer1.0.relu", then "layer1.0.relu_1"): ONNX wants them unique.
  std::string unique_node_name(const std::string& base);
  // Appends a node whose outputs are the given values.
  void add_node(const std::string& op_type, const std::string& name, const std::vector<ValueId>& inputs,
                const std::vector<ValueId>& outputs, Attributes attrs);

  Graph graph_;
  WeightStream stream_;
  int opset_;
  std::vector<std::string> scopes_;
  std::set<std::string> node_names_;
  Status error_;  // first construction error (unknown op), reported by finish()
};

}  // namespace edgerun::zoo
