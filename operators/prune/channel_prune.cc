#include "operators/prune/channel_prune.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace edgerun::prune {

namespace {

const Tensor* float_constant(const Graph& g, const Node& n, size_t input) {
  if (input >= n.inputs.size() || n.inputs[input] == kNoValue) return nullptr;
  const Value& v = g.value(n.inputs[input]);
  return v.constant && v.constant->dtype() == DType::kF32 ? &*v.constant : nullptr;
}

// A group-1 Conv with a constant float weight [M, C, k...] (and a constant bias [M], if any).
bool plain_conv(const Graph& g, const Node& n) {
  if (n.op != OpType::kConv || n.attrs.get_int("group", 1) != 1) return false;
  const Tensor* w = float_constant(g, n, 1);
  if (w == nullptr || w->rank() < 3) return false;
  const bool has_bias = n.inputs.size() > 2 && n.inputs[2] != kNoValue;
  const Tensor* b = float_constant(g, n, 2);
  return !has_bias || (b != nullptr && b->num_elements() == w->dim(0));
}

// One filter [1, k...] per channel, group = channels (and a constant bias, if any).
bool depthwise_conv(const Graph& g, const Node& n, int64_t channels) {
  if (n.op != OpType::kConv || channels < 2 || n.attrs.get_int("group", 1) != channels) return false;
  const Tensor* w = float_constant(g, n, 1);
  if (w == nullptr || w->rank() < 3 || w->dim(0) != channels || w->dim(1) != 1) return false;
  const bool has_bias = n.inputs.size() > 2 && n.inputs[2] != kNoValue;
  const Tensor* b = float_constant(g, n, 2);
  return !has_bias || (b != nullptr && b->num_elements() == channels);
}

// Only the first output is read (MaxPool's Indices, BatchNormalization's training outputs are not).
bool one_output(const Node& n) {
  for (size_t o = 1; o < n.outputs.size(); ++o) {
    if (n.outputs[o] != kNoValue) return false;
  }
  return !n.outputs.empty() && n.outputs[0] != kNoValue;
}

bool channels_pass(OpType op) {
  return op == OpType::kRelu || op == OpType::kClip || op == OpType::kMaxPool || op == OpType::kAveragePool;
}

// Whether node n, reading `channels` channels at input 0, fits a reach; adds it there and, when the channels
// flow on through it, its output to `next`.
bool follow(const Graph& g, size_t n, int64_t channels, ChannelReach* reach, std::vector<ValueId>* next) {
  const Node& node = g.nodes[n];
  if (depthwise_conv(g, node, channels)) {
    reach->depthwise.push_back(n);
  } else if (node.op == OpType::kConv) {
    if (!plain_conv(g, node) || float_constant(g, node, 1)->dim(1) != channels) return false;
    reach->readers.push_back(n);
    return true;
  } else if (node.op == OpType::kBatchNormalization) {
    for (size_t i = 1; i <= 4; ++i) {
      const Tensor* p = float_constant(g, node, i);
      if (p == nullptr || p->num_elements() != channels) return false;
    }
    reach->norms.push_back(n);
  } else if (!channels_pass(node.op)) {
    return false;
  }
  if (!one_output(node)) return false;
  next->push_back(node.outputs[0]);
  return true;
}

// w[rows][cols][inner] with only the kept rows and columns (all of them where a list is null).
Tensor slice(const Tensor& w, const std::vector<int64_t>* rows, const std::vector<int64_t>* cols) {
  const int64_t m = w.dim(0), c = w.rank() > 1 ? w.dim(1) : 1, inner = w.num_elements() / (m * c);
  const int64_t new_m = rows ? static_cast<int64_t>(rows->size()) : m;
  const int64_t new_c = cols ? static_cast<int64_t>(cols->size()) : c;
  Shape shape = w.shape();
  shape[0] = new_m;
  if (w.rank() > 1) shape[1] = new_c;
  Tensor out = Tensor::allocate(DType::kF32, shape).value();
  const float* src = w.data<float>();
  float* dst = out.data<float>();
  for (int64_t r = 0; r < new_m; ++r) {
    const int64_t sr = rows ? (*rows)[static_cast<size_t>(r)] : r;
    for (int64_t k = 0; k < new_c; ++k) {
      const int64_t sk = cols ? (*cols)[static_cast<size_t>(k)] : k;
      std::copy_n(src + (sr * c + sk) * inner, inner, dst + (r * new_c + k) * inner);
    }
  }
  return out;
}

// Replaces input `input` of a node by its slice (a fresh constant: the old may be shared with other nodes).
void slice_input(Graph& g, size_t node, size_t input, const std::vector<int64_t>* rows,
                 const std::vector<int64_t>* cols) {
  const ValueId old = g.nodes[node].inputs[input];
  Tensor t = slice(*g.value(old).constant, rows, cols);
  g.nodes[node].inputs[input] = g.add_constant(g.unique_name(g.value(old).name + "_channels"), std::move(t));
}

// A conv keeps the filters `rows` (weight and bias) and the input channels `cols`; null keeps all.
void slice_conv(Graph& g, size_t node, const std::vector<int64_t>* rows, const std::vector<int64_t>* cols) {
  slice_input(g, node, 1, rows, cols);
  if (rows != nullptr && float_constant(g, g.nodes[node], 2) != nullptr) slice_input(g, node, 2, rows, nullptr);
}

}  // namespace

std::optional<ChannelReach> channel_reach(const Graph& g, size_t conv) {
  if (!plain_conv(g, g.nodes[conv]) || !one_output(g.nodes[conv])) return std::nullopt;
  const int64_t channels = float_constant(g, g.nodes[conv], 1)->dim(0);
  ChannelReach reach;
  reach.conv = conv;
  std::vector<ValueId> pending = {g.nodes[conv].outputs[0]};
  while (!pending.empty()) {
    const ValueId v = pending.back();
    pending.pop_back();
    if (g.is_output(v)) return std::nullopt;
    reach.values.push_back(v);
    for (size_t n = 0; n < g.nodes.size(); ++n) {
      const std::vector<ValueId>& in = g.nodes[n].inputs;
      for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] != v) continue;
        if (i != 0 || !follow(g, n, channels, &reach, &pending)) return std::nullopt;
      }
    }
  }
  return reach;
}

std::vector<int64_t> kept_filters(const WeightMatrix& w, const std::vector<uint8_t>& mask) {
  std::vector<int64_t> kept;
  int64_t largest = 0;
  double largest_l1 = -1;
  for (int64_t r = 0; r < w.rows; ++r) {
    if (mask[static_cast<size_t>(r * w.cols)] != 0) kept.push_back(r);
    double l1 = 0;
    for (int64_t c = 0; c < w.cols; ++c) l1 += std::fabs(w.data[r * w.cols + c]);
    if (l1 > largest_l1) {
      largest_l1 = l1;
      largest = r;
    }
  }
  if (kept.empty()) kept.push_back(largest);
  return kept;
}

void remove_channels(Graph& g, const std::vector<ChannelReach>& reaches,
                     const std::vector<std::vector<int64_t>>& kept) {
  // A conv may lose output channels (its own reach) and input channels (a reader of another's) at once.
  std::map<size_t, const std::vector<int64_t>*> rows, cols;
  for (size_t i = 0; i < reaches.size(); ++i) {
    const ChannelReach& r = reaches[i];
    rows[r.conv] = &kept[i];
    for (size_t reader : r.readers) cols[reader] = &kept[i];
    for (size_t norm : r.norms) {
      for (size_t p = 1; p <= 4; ++p) slice_input(g, norm, p, &kept[i], nullptr);
    }
    for (size_t dw : r.depthwise) {
      slice_conv(g, dw, &kept[i], nullptr);
      g.nodes[dw].attrs.set_int("group", static_cast<int64_t>(kept[i].size()));
    }
    for (ValueId v : r.values) g.value(v).has_shape = false;
  }
  std::set<size_t> convs;
  for (const auto& [node, list] : rows) convs.insert(node);
  for (const auto& [node, list] : cols) convs.insert(node);
  auto find = [](const std::map<size_t, const std::vector<int64_t>*>& m, size_t node) {
    const auto it = m.find(node);
    return it == m.end() ? nullptr : it->second;
  };
  for (size_t node : convs) slice_conv(g, node, find(rows, node), find(cols, node));
}

}  // namespace edgerun::prune
