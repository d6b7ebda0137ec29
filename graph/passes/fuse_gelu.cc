#include "graph/passes/fuse_gelu.h"

#include <cmath>
#include <optional>
#include <vector>

namespace edgerun {

namespace {

// A GELU chain found from its Erf node: its input x, the node that becomes the Gelu (the last product)
// and the other nodes, which go.
struct GeluChain {
  ValueId x = kNoValue;
  int last = -1;
  std::vector<int> others;
};

// Matching works on use counts, producers and readers taken once: fusing a chain only changes values
// inside it, which no other chain can share (they are read once).
class GeluMatcher {
 public:
  explicit GeluMatcher(const Graph& g) : g_(g), uses_(g.use_counts()), producer_(g.producers()) {
    reader_.assign(g.values.size(), -1);
    for (size_t k = 0; k < g.nodes.size(); ++k) {
      for (ValueId in : g.nodes[k].inputs) {
        if (in != kNoValue) reader_[static_cast<size_t>(in)] = static_cast<int>(k);
      }
    }
  }

  std::optional<GeluChain> match(int erf) const {
    const Node& e = node(erf);
    if (e.inputs.size() != 1 || e.outputs.size() != 1) return std::nullopt;
    GeluChain chain;
    // x / sqrt 2 or x * (1 / sqrt 2).
    const int scale = single_use_producer(e.inputs[0]);
    if (scale < 0) return std::nullopt;
    const Node& s = node(scale);
    if (s.op == OpType::kDiv && s.inputs.size() == 2 && is_scalar(s.inputs[1], std::sqrt(2.0))) {
      chain.x = s.inputs[0];
    } else if (s.op == OpType::kMul) {
      chain.x = other_than_scalar(s, std::sqrt(0.5));
    }
    if (chain.x == kNoValue) return std::nullopt;
    // erf + 1.
    const int add = single_reader(e.outputs[0], OpType::kAdd);
    if (add < 0 || other_than_scalar(node(add), 1.0) != e.outputs[0]) return std::nullopt;
    // The products of x, 1 + erf and 0.5, in any association.
    const ValueId sum = node(add).outputs[0];
    const int m1 = single_reader(sum, OpType::kMul);
    if (m1 < 0) return std::nullopt;
    const ValueId other = other_input(node(m1), sum);
    chain.others = {scale, erf, add};
    if (other == chain.x || is_scalar(other, 0.5)) {  // (x * sum) * 0.5 or (sum * 0.5) * x
      const ValueId product = node(m1).outputs[0];
      const int m2 = single_reader(product, OpType::kMul);
      if (m2 < 0) return std::nullopt;
      const ValueId last = other_input(node(m2), product);
      if (!(other == chain.x ? is_scalar(last, 0.5) : last == chain.x)) return std::nullopt;
      chain.others.push_back(m1);
      chain.last = m2;
    } else {  // (x * 0.5) * sum
      const int half = single_use_producer(other);
      if (half < 0 || node(half).op != OpType::kMul || other_than_scalar(node(half), 0.5) != chain.x) {
        return std::nullopt;
      }
      chain.others.push_back(half);
      chain.last = m1;
    }
    // f32 throughout, and the scalars did not raise the rank: the Gelu keeps x's shape.
    const Value& x = g_.value(chain.x);
    const Value& y = g_.value(node(chain.last).outputs[0]);
    if (x.dtype != DType::kF32 || !x.has_shape || !y.has_shape || x.shape.size() != y.shape.size()) {
      return std::nullopt;
    }
    return chain;
  }

 private:
  const Node& node(int k) const { return g_.nodes[static_cast<size_t>(k)]; }
  // Whether v is a one-element f32 constant within float rounding of `want`.
  bool is_scalar(ValueId v, double want) const {
    if (v == kNoValue) return false;
    const Value& value = g_.value(v);
    if (!value.constant || value.constant->dtype() != DType::kF32 || value.constant->num_elements() != 1) return false;
    return std::fabs(value.constant->data<float>()[0] - want) <= 1e-6 * want;
  }
  // The input of a two-input node other than a scalar near `want`; kNoValue if neither is one.
  ValueId other_than_scalar(const Node& n, double want) const {
    if (n.inputs.size() != 2) return kNoValue;
    if (is_scalar(n.inputs[1], want)) return n.inputs[0];
    if (is_scalar(n.inputs[0], want)) return n.inputs[1];
    return kNoValue;
  }
  static ValueId other_input(const Node& n, ValueId v) {
    if (n.inputs.size() != 2) return kNoValue;
    return n.inputs[0] == v ? n.inputs[1] : n.inputs[0];
  }
  bool is_intermediate(ValueId v) const {
    return v != kNoValue && uses_[static_cast<size_t>(v)] == 1 && !g_.is_output(v);
  }
  // The node producing v when v is read once and is no graph output; else -1.
  int single_use_producer(ValueId v) const { return is_intermediate(v) ? producer_[static_cast<size_t>(v)] : -1; }
  // The node of type `op` (one output) that is v's only reader; else -1.
  int single_reader(ValueId v, OpType op) const {
    if (!is_intermediate(v)) return -1;
    const int r = reader_[static_cast<size_t>(v)];
    if (r < 0 || node(r).op != op || node(r).outputs.size() != 1) return -1;
    return r;
  }

  const Graph& g_;
  std::vector<int> uses_, producer_, reader_;
};

}  // namespace

int fuse_gelu(Graph& graph) {
  const GeluMatcher matcher(graph);
  std::vector<bool> removed(graph.nodes.size(), false);
  int fused = 0;
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    if (graph.nodes[k].op != OpType::kErf) continue;
    const std::optional<GeluChain> chain = matcher.match(static_cast<int>(k));
    if (!chain) continue;
    Node& gelu = graph.nodes[static_cast<size_t>(chain->last)];
    gelu.op = OpType::kGelu;
    gelu.op_type = "Gelu";
    gelu.inputs = {chain->x};
    gelu.attrs = Attributes();
    for (int n : chain->others) removed[static_cast<size_t>(n)] = true;
    ++fused;
  }
  std::vector<Node> kept;
  kept.reserve(graph.nodes.size());
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    if (!removed[k]) kept.push_back(std::move(graph.nodes[k]));
  }
  graph.nodes = std::move(kept);
  return fused;
}

}  // namespace edgerun
