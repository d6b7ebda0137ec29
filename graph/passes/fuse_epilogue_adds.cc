#include "graph/passes/fuse_epilogue_adds.h"

#include "graph/passes/fuse_activations.h"

namespace edgerun {

namespace {

bool static_f32(const Value& v) {
  if (v.dtype != DType::kF32 || !v.has_shape) return false;
  for (const SymDim& d : v.shape) {
    if (!d.known()) return false;
  }
  return true;
}

bool same_shape(const Value& a, const Value& b) {
  if (a.shape.size() != b.shape.size()) return false;
  for (size_t i = 0; i < a.shape.size(); ++i) {
    if (a.shape[i].size != b.shape[i].size) return false;
  }
  return true;
}

bool has_constant_weights(const Graph& g, const Node& n) {
  return n.inputs.size() >= 2 && n.inputs[1] != kNoValue && g.value(n.inputs[1]).constant.has_value();
}

// The INT8 QConv / QMatMul qualify with a float output (their residual input is also input 3).
bool can_take_epilogue(const Graph& g, const Node& n) {
  const bool int8_float_out = (n.op == OpType::kQConv || n.op == OpType::kQMatMul) && !n.outputs.empty() &&
                              g.value(n.outputs[0]).dtype == DType::kF32;
  const bool op_ok = n.op == OpType::kConv || n.op == OpType::kGemm || n.op == OpType::kMatMul || int8_float_out;
  return op_ok && n.outputs.size() == 1 && has_constant_weights(g, n) && !n.attrs.has(kFusedActivation) &&
         !n.attrs.has(kFusedResidual);
}

// A constant whose elements run along the last axis of `out` (shape [n], [1, n], [1, 1, n], ...).
bool is_last_axis_vector(const Value& c, const Value& out) {
  if (!c.constant || c.constant->dtype() != DType::kF32 || out.shape.empty()) return false;
  const Shape& s = c.constant->shape();
  if (s.empty() || s.size() > out.shape.size()) return false;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] != 1) return false;
  }
  return s.back() == out.shape.back().size;
}

void set_input(Node& n, size_t index, ValueId v) {
  if (n.inputs.size() <= index) n.inputs.resize(index + 1, kNoValue);
  n.inputs[index] = v;
}

// One sweep; a producer that took an Add is seen again only in the next sweep (bias, then residual).
int fuse_once(Graph& graph) {
  const std::vector<int> uses = graph.use_counts();
  const std::vector<int> producer = graph.producers();
  std::vector<bool> removed(graph.nodes.size(), false);
  int fused = 0;
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    const Node& add = graph.nodes[k];
    if (add.op != OpType::kAdd || add.inputs.size() != 2 || add.outputs.size() != 1) continue;
    const Value& out = graph.value(add.outputs[0]);
    if (!static_f32(out)) continue;
    for (size_t side = 0; side < 2; ++side) {
      const ValueId x = add.inputs[side];
      const ValueId other = add.inputs[1 - side];
      if (x == kNoValue || other == kNoValue || x == other) continue;
      const int p = producer[static_cast<size_t>(x)];
      if (p < 0 || removed[static_cast<size_t>(p)] || uses[static_cast<size_t>(x)] != 1 || graph.is_output(x)) continue;
      Node& prod = graph.nodes[static_cast<size_t>(p)];
      const Value& xv = graph.value(x);
      if (!can_take_epilogue(graph, prod) || !static_f32(xv) || !same_shape(xv, out)) continue;
      const Value& ov = graph.value(other);
      const bool bias = prod.op == OpType::kMatMul && !prod.attrs.has(kFusedBias) &&
                        graph.value(prod.inputs[1]).constant->shape().size() == 2 && is_last_axis_vector(ov, out);
      if (bias) {
        set_input(prod, 2, other);
        prod.attrs.set_int(kFusedBias, 1);
      } else if (static_f32(ov) && same_shape(ov, out) && !ov.constant) {
        set_input(prod, kFusedResidualInput, other);
        prod.attrs.set_int(kFusedResidual, 1);
      } else {
        continue;
      }
      prod.outputs[0] = add.outputs[0];
      removed[k] = true;
      ++fused;
      break;
    }
  }
  std::vector<Node> kept;
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    if (!removed[k]) kept.push_back(std::move(graph.nodes[k]));
  }
  graph.nodes = std::move(kept);
  return fused;
}

}  // namespace

int fuse_epilogue_adds(Graph& graph) {
  int total = 0;
  while (const int fused = fuse_once(graph)) {
    total += fused;
    // A producer now reads the other addend, which may be computed after it (ResNet's downsample).
    // The graph was acyclic before and the Add read both, so a valid order exists.
    if (!graph.topological_sort().ok()) break;
  }
  return total;
}

}  // namespace edgerun
