#include "graph/model_stats.h"

#include "graph/passes/infer_shapes.h"

namespace edgerun {

ModelStats count_ops_and_parameters(const Graph& graph) {
  ModelStats stats;
  std::vector<bool> counted(graph.values.size(), false);
  for (const Node& node : graph.nodes) {
    ++stats.op_counts[node.op_type];
    for (ValueId in : node.inputs) {
      if (in == kNoValue || counted[static_cast<size_t>(in)]) continue;
      const Value& v = graph.value(in);
      if (v.constant) {
        stats.parameters += v.constant->num_elements();
        counted[static_cast<size_t>(in)] = true;
      }
    }
  }
  return stats;
}

int64_t node_macs(const Graph& g, const Node& node) {
  auto shape_of = [&](ValueId id) { return concrete_shape(g.value(id)); };
  auto known = [&](size_t i) { return i < node.inputs.size() && node.inputs[i] != kNoValue && g.value(node.inputs[i]).has_shape; };
  if (node.outputs.empty() || node.outputs[0] == kNoValue || !g.value(node.outputs[0]).has_shape) return 0;
  const Shape out = shape_of(node.outputs[0]);
  switch (node.op) {
    case OpType::kConv:
    case OpType::kQConv: {  // the INT8 conv keeps Conv's weight layout
      if (!known(1)) return 0;
      const Shape w = shape_of(node.inputs[1]);  // [M, C/group, k...]
      int64_t per_output = 1;
      for (size_t d = 1; d < w.size(); ++d) per_output *= w[d];
      return num_elements(out) * per_output;
    }
    case OpType::kConvTranspose: {
      if (!known(0) || !known(1)) return 0;
      const Shape w = shape_of(node.inputs[1]);  // [C, M/group, k...]
      int64_t per_input = 1;
      for (size_t d = 1; d < w.size(); ++d) per_input *= w[d];
      return num_elements(shape_of(node.inputs[0])) * per_input;
    }
    case OpType::kGemm: {
      if (!known(0)) return 0;
      const Shape a = shape_of(node.inputs[0]);
      const int64_t k = node.attrs.get_int("transA", 0) ? a[0] : a[1];
      return num_elements(out) * k;
    }
    case OpType::kMatMul:
    case OpType::kQMatMul: {
      if (!known(0)) return 0;
      const Shape a = shape_of(node.inputs[0]);
      return a.empty() ? 0 : num_elements(out) * a.back();
    }
    default:
      return 0;
  }
}

int64_t count_macs(const Graph& shaped_graph) {
  int64_t macs = 0;
  for (const Node& node : shaped_graph.nodes) macs += node_macs(shaped_graph, node);
  return macs;
}

}  // namespace edgerun
