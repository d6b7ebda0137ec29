#include "graph/passes/fuse_activations.h"

#include <limits>

namespace edgerun {

namespace {

// The INT8 QConv / QMatMul carry one too (their float output; a uint8 one never reaches a float
// activation).
bool can_carry_activation(OpType op) {
  return op == OpType::kConv || op == OpType::kConvTranspose || op == OpType::kGemm || op == OpType::kQConv ||
         op == OpType::kQMatMul;
}

}  // namespace

bool describe_fusable_activation(const Graph& g, const Node& act, Attributes& attrs) {
  switch (act.op) {
    case OpType::kRelu: case OpType::kSigmoid: case OpType::kTanh: case OpType::kHardSwish:
      break;
    case OpType::kLeakyRelu:
      attrs.set_float(kFusedAlpha, act.attrs.get_float("alpha", 0.01f));
      break;
    case OpType::kHardSigmoid:
      attrs.set_float(kFusedAlpha, act.attrs.get_float("alpha", 0.2f));
      attrs.set_float(kFusedBeta, act.attrs.get_float("beta", 0.5f));
      break;
    case OpType::kClip: {
      float lo = -std::numeric_limits<float>::infinity();
      float hi = std::numeric_limits<float>::infinity();
      if (act.opset < 11) {
        lo = act.attrs.get_float("min", lo);
        hi = act.attrs.get_float("max", hi);
      } else {
        for (size_t i = 1; i < act.inputs.size() && i < 3; ++i) {
          if (act.inputs[i] == kNoValue) continue;
          const Value& v = g.value(act.inputs[i]);
          if (!v.constant || v.constant->dtype() != DType::kF32 || v.constant->num_elements() != 1) return false;
          (i == 1 ? lo : hi) = v.constant->data<float>()[0];
        }
      }
      attrs.set_float(kFusedMin, lo);
      attrs.set_float(kFusedMax, hi);
      break;
    }
    default:
      return false;
  }
  attrs.set_string(kFusedActivation, act.op_type);
  return true;
}

int fuse_activations(Graph& graph) {
  const std::vector<int> uses = graph.use_counts();
  const std::vector<int> producer = graph.producers();
  std::vector<bool> removed(graph.nodes.size(), false);
  int fused = 0;
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    Node& act = graph.nodes[k];
    if (act.inputs.empty() || act.inputs[0] == kNoValue || act.outputs.size() != 1) continue;
    const ValueId x = act.inputs[0];
    const int p = producer[static_cast<size_t>(x)];
    if (p < 0 || uses[static_cast<size_t>(x)] != 1) continue;
    Node& prod = graph.nodes[static_cast<size_t>(p)];
    if (!can_carry_activation(prod.op) || prod.attrs.has(kFusedActivation) || prod.outputs.size() != 1) continue;
    if (graph.value(x).dtype != DType::kF32) continue;
    if (graph.is_output(x)) continue;
    Attributes attrs = prod.attrs;
    if (!describe_fusable_activation(graph, act, attrs)) continue;
    prod.attrs = std::move(attrs);
    prod.outputs[0] = act.outputs[0];
    removed[k] = true;
    ++fused;
  }
  std::vector<Node> kept;
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    if (!removed[k]) kept.push_back(std::move(graph.nodes[k]));
  }
  graph.nodes = std::move(kept);
  return fused;
}

}  // namespace edgerun
