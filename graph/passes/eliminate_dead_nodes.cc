#include "graph/passes/eliminate_dead_nodes.h"

#include <algorithm>

namespace edgerun {

namespace {

// Identity, and Dropout whose mask output is unused, pass their input through in inference.
bool is_passthrough(const Graph& g, const Node& n, const std::vector<int>& uses) {
  if (n.op == OpType::kIdentity) return true;
  if (n.op != OpType::kDropout) return false;
  return n.outputs.size() < 2 || n.outputs[1] == kNoValue || uses[static_cast<size_t>(n.outputs[1])] == 0 ||
         g.value(n.outputs[1]).name.empty();
}

int bypass_passthrough_nodes(Graph& g) {
  const std::vector<int> uses = g.use_counts();
  int removed = 0;
  std::vector<Node> kept;
  kept.reserve(g.nodes.size());
  for (Node& n : g.nodes) {
    if (n.inputs.empty() || n.inputs[0] == kNoValue || n.outputs.empty() || n.outputs[0] == kNoValue ||
        !is_passthrough(g, n, uses) || g.is_output(n.outputs[0])) {
      kept.push_back(std::move(n));
      continue;
    }
    const ValueId from = n.outputs[0];
    const ValueId to = n.inputs[0];
    for (Node& other : g.nodes) {
      for (ValueId& in : other.inputs) {
        if (in == from) in = to;
      }
    }
    ++removed;
  }
  g.nodes = std::move(kept);
  return removed;
}

}  // namespace

int eliminate_dead_nodes(Graph& graph) {
  int removed = bypass_passthrough_nodes(graph);
  // Reverse topological order: a node's consumers are visited before it.
  std::vector<int> uses = graph.use_counts();
  std::vector<bool> dead(graph.nodes.size(), false);
  for (size_t k = graph.nodes.size(); k-- > 0;) {
    const Node& n = graph.nodes[k];
    const bool used = std::any_of(n.outputs.begin(), n.outputs.end(),
                                  [&](ValueId o) { return o != kNoValue && uses[static_cast<size_t>(o)] > 0; });
    if (used) continue;
    dead[k] = true;
    for (ValueId in : n.inputs) {
      if (in != kNoValue) --uses[static_cast<size_t>(in)];
    }
  }
  std::vector<Node> kept;
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    if (dead[k]) {
      ++removed;
    } else {
      kept.push_back(std::move(graph.nodes[k]));
    }
  }
  graph.nodes = std::move(kept);
  for (size_t v = 0; v < graph.values.size(); ++v) {
    if (uses[v] == 0) graph.values[v].constant.reset();
  }
  return removed;
}

}  // namespace edgerun
