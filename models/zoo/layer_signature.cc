#include "models/zoo/layer_signature.h"

#include <sstream>

#include "engine/plan.h"
#include "graph/model_stats.h"
#include "graph/passes/fuse_activations.h"
#include "graph/passes/infer_shapes.h"

namespace edgerun::zoo {

namespace {

std::string dims(const std::vector<int64_t>& v, char sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? std::string(1, sep) : "") + std::to_string(v[i]);
  return s;
}

std::string shape_of(const Graph& g, ValueId id) {
  if (id == kNoValue || !g.value(id).has_shape) return "?";
  return dims(concrete_shape(g.value(id)), 'x');
}

std::vector<int64_t> weight_shape(const Graph& g, ValueId id) {
  const Value& v = g.value(id);
  if (v.constant) return v.constant->shape();
  return v.has_shape ? concrete_shape(v) : std::vector<int64_t>{};
}

std::string activation(const Node& n) {
  const std::string act = n.attrs.get_string(kFusedActivation, "");
  if (act.empty()) return "none";
  if (act != "Clip") return act;
  std::ostringstream s;
  s << "Clip(" << n.attrs.get_float(kFusedMin, 0.0f) << "," << n.attrs.get_float(kFusedMax, 0.0f) << ")";
  return s.str();
}

std::string conv_line(const Graph& g, const Node& n) {
  const std::vector<int64_t> w = weight_shape(g, n.inputs[1]);
  const size_t spatial = w.size() > 2 ? w.size() - 2 : 0;
  const std::vector<int64_t> ones(spatial, 1);
  std::ostringstream s;
  s << "Conv w=" << dims(w, 'x') << " out=" << shape_of(g, n.outputs[0])
    << " stride=" << dims(n.attrs.get_ints("strides", ones), ',')
    << " pad=" << dims(n.attrs.get_ints("pads", std::vector<int64_t>(2 * spatial, 0)), ',')
    << " dil=" << dims(n.attrs.get_ints("dilations", ones), ',') << " group=" << n.attrs.get_int("group", 1)
    << " bias=" << (n.inputs.size() > 2 && n.inputs[2] != kNoValue ? 1 : 0) << " act=" << activation(n);
  return s.str();
}

std::string matmul_line(const Graph& g, const Node& n) {
  std::ostringstream s;
  s << n.op_type << " w=" << dims(weight_shape(g, n.inputs[1]), 'x') << " out=" << shape_of(g, n.outputs[0]);
  if (n.op == OpType::kGemm) {
    s << " transA=" << n.attrs.get_int("transA", 0) << " transB=" << n.attrs.get_int("transB", 0);
  }
  s << " act=" << activation(n);
  return s.str();
}

}  // namespace

int64_t count_trainable_parameters(const Graph& graph) {
  std::vector<bool> counted(graph.values.size(), false);
  int64_t total = 0;
  for (const Node& node : graph.nodes) {
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      const ValueId in = node.inputs[i];
      if (in == kNoValue || counted[static_cast<size_t>(in)]) continue;
      if (node.op == OpType::kBatchNormalization && i >= 3) continue;
      const Value& v = graph.value(in);
      if (!v.constant || v.constant->dtype() != DType::kF32 || v.constant->num_elements() <= 1) continue;
      total += v.constant->num_elements();
      counted[static_cast<size_t>(in)] = true;
    }
  }
  return total;
}

std::vector<std::string> layer_lines(const Graph& compiled) {
  std::vector<std::string> lines;
  for (const Node& n : compiled.nodes) {
    if (n.op == OpType::kConv) lines.push_back(conv_line(compiled, n));
    if (n.op == OpType::kGemm || n.op == OpType::kMatMul) lines.push_back(matmul_line(compiled, n));
  }
  return lines;
}

Result<LayerSignature> layer_signature(const Graph& graph, const std::map<std::string, Shape>& input_shapes) {
  // The signature lists the exported ops: epilogue Adds stay separate nodes.
  CompileOptions options;
  options.fuse_epilogue_adds = false;
  ASSIGN_OR_RETURN(std::unique_ptr<Plan> plan, Plan::compile(graph, input_shapes, options));
  LayerSignature sig;
  sig.layers = layer_lines(plan->graph());
  sig.macs = count_macs(plan->graph());
  sig.parameters = count_trainable_parameters(graph);
  return sig;
}

std::string signature_text(const LayerSignature& signature) {
  std::string text = "params " + std::to_string(signature.parameters) + "\nmacs " + std::to_string(signature.macs) + "\n";
  for (const std::string& line : signature.layers) text += line + "\n";
  return text;
}

}  // namespace edgerun::zoo
