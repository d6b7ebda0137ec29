#include "graph/passes/fold_batch_norm.h"

#include <cmath>

namespace edgerun {

namespace {

bool is_f32_constant(const Graph& g, ValueId v) {
  return v != kNoValue && g.value(v).constant && g.value(v).constant->dtype() == DType::kF32;
}

// Folds bn into conv if the pattern holds; returns false (and changes nothing) otherwise.
Result<bool> try_fold(Graph& g, Node& conv, Node& bn) {
  if (bn.inputs.size() != 5 || bn.outputs.size() != 1 || conv.inputs.size() < 2) return false;
  for (size_t i = 1; i < 5; ++i) {
    if (!is_f32_constant(g, bn.inputs[i])) return false;
  }
  if (!is_f32_constant(g, conv.inputs[1])) return false;
  if (conv.inputs.size() > 2 && conv.inputs[2] != kNoValue && !is_f32_constant(g, conv.inputs[2])) return false;

  const Tensor& w = *g.value(conv.inputs[1]).constant;
  if (w.rank() < 3) return false;
  const int64_t out_channels = w.dim(0);
  const Tensor* params[4];
  for (int i = 0; i < 4; ++i) {
    params[i] = &*g.value(bn.inputs[static_cast<size_t>(i) + 1]).constant;
    if (params[i]->num_elements() != out_channels) return false;
  }
  const float eps = bn.attrs.get_float("epsilon", 1e-5f);
  const float* gamma = params[0]->data<float>();
  const float* beta = params[1]->data<float>();
  const float* mean = params[2]->data<float>();
  const float* var = params[3]->data<float>();

  Tensor new_w = w.clone();
  ASSIGN_OR_RETURN(Tensor new_b, Tensor::allocate(DType::kF32, {out_channels}));
  const bool has_bias = conv.inputs.size() > 2 && conv.inputs[2] != kNoValue;
  const float* old_b = has_bias ? g.value(conv.inputs[2]).constant->data<float>() : nullptr;
  const int64_t per_channel = w.num_elements() / std::max<int64_t>(out_channels, 1);
  for (int64_t c = 0; c < out_channels; ++c) {
    const float s = gamma[c] / std::sqrt(var[c] + eps);
    float* wc = new_w.data<float>() + c * per_channel;
    for (int64_t k = 0; k < per_channel; ++k) wc[k] *= s;
    new_b.data<float>()[c] = ((old_b ? old_b[c] : 0.0f) - mean[c]) * s + beta[c];
  }
  const std::string base = conv.name.empty() ? "conv" : conv.name;
  const ValueId w_id = g.add_constant(base + "_bn_weight", std::move(new_w));
  const ValueId b_id = g.add_constant(base + "_bn_bias", std::move(new_b));
  conv.inputs.resize(3);
  conv.inputs[1] = w_id;
  conv.inputs[2] = b_id;
  conv.outputs[0] = bn.outputs[0];
  return true;
}

}  // namespace

Result<int> fold_batch_norm(Graph& graph) {
  const std::vector<int> uses = graph.use_counts();
  const std::vector<int> producer = graph.producers();
  std::vector<bool> removed(graph.nodes.size(), false);
  int folded = 0;
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    Node& bn = graph.nodes[k];
    if (bn.op != OpType::kBatchNormalization || bn.inputs.empty() || bn.inputs[0] == kNoValue) continue;
    if (bn.attrs.get_int("training_mode", 0) != 0) continue;
    const ValueId x = bn.inputs[0];
    const int p = producer[static_cast<size_t>(x)];
    if (p < 0 || uses[static_cast<size_t>(x)] != 1 || graph.is_output(x)) continue;
    Node& conv = graph.nodes[static_cast<size_t>(p)];
    if (conv.op != OpType::kConv || conv.outputs.size() != 1) continue;
    ASSIGN_OR_RETURN(bool ok, try_fold(graph, conv, bn));
    if (ok) {
      removed[k] = true;
      ++folded;
    }
  }
  std::vector<Node> kept;
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    if (!removed[k]) kept.push_back(std::move(graph.nodes[k]));
  }
  graph.nodes = std::move(kept);
  return folded;
}

}  // namespace edgerun
