#include "operators/prune/prune.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "operators/prune/channel_prune.h"

namespace edgerun::prune {

namespace {

bool has_conv(const Graph& g) {
  return std::any_of(g.nodes.begin(), g.nodes.end(), [](const Node& n) { return n.op == OpType::kConv; });
}

// A prunable weight: a float constant read as input 1 of Conv / Gemm / MatMul, and how its layout maps
// to [output channels, rest] (Gemm without transB and MatMul store [in, out]: transposed).
struct Prunable {
  size_t node;
  ValueId weight;
  bool transposed;
  int64_t rows, cols;  // of the [output channels, rest] view
};

std::vector<Prunable> prunable_weights(const Graph& g, const PruneOptions& options) {
  std::vector<Prunable> found;
  bool stem = true;
  // The study's choice: a model with convolutions prunes its convs (not the classifier), one without
  // (text) its linear layers.
  const bool convs = has_conv(g);
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    const Node& node = g.nodes[n];
    const bool conv = node.op == OpType::kConv;
    if (convs ? !conv : node.op != OpType::kGemm && node.op != OpType::kMatMul) continue;
    if (node.inputs.size() < 2 || node.inputs[1] == kNoValue) continue;
    const Value& w = g.value(node.inputs[1]);
    if (!w.constant || w.constant->dtype() != DType::kF32 || w.constant->rank() < 2) continue;
    if (conv && std::exchange(stem, false)) continue;  // the first conv stays dense
    if (std::find(options.exclude.begin(), options.exclude.end(), node.name) != options.exclude.end()) continue;
    const Tensor& t = *w.constant;
    if (conv) {
      found.push_back({n, node.inputs[1], false, t.dim(0), t.num_elements() / t.dim(0)});
    } else if (t.rank() == 2) {
      const bool trans_b = node.op == OpType::kGemm && node.attrs.get_int("transB", 0) != 0;
      found.push_back({n, node.inputs[1], !trans_b, trans_b ? t.dim(0) : t.dim(1), trans_b ? t.dim(1) : t.dim(0)});
    }
  }
  return found;
}

// The [output channels, rest] view of a weight as its own buffer.
std::vector<float> row_major_view(const Tensor& t, const Prunable& p) {
  const float* data = t.data<float>();
  if (!p.transposed) return std::vector<float>(data, data + t.num_elements());
  std::vector<float> view(static_cast<size_t>(p.rows * p.cols));
  for (int64_t r = 0; r < p.rows; ++r) {
    for (int64_t c = 0; c < p.cols; ++c) view[static_cast<size_t>(r * p.cols + c)] = data[c * p.rows + r];
  }
  return view;
}

Result<std::vector<std::vector<uint8_t>>> masks_of(const std::vector<WeightMatrix>& matrices,
                                                   const PruneOptions& options) {
  if (options.global && options.pattern.kind != Pattern::Kind::kNM)
    return global_masks(matrices, options.pattern, options.sparsity);
  std::vector<std::vector<uint8_t>> masks;
  for (const WeightMatrix& m : matrices) {
    ASSIGN_OR_RETURN(std::vector<uint8_t> mask, layer_mask(m, options.pattern, options.sparsity));
    masks.push_back(std::move(mask));
  }
  return masks;
}

// The channel pattern: the layers whose filters can go (channel_prune.h) lose those the masks prune.
Result<PruneResult> prune_channels(const Graph& model, const PruneOptions& options) {
  if (!has_conv(model))
    return invalid_argument("channel pruning removes Conv filters and the model has no Conv; prune its linear "
                            "layers with another pattern (unstructured, RxC, N:M)");
  std::vector<Prunable> layers;
  std::vector<ChannelReach> reaches;
  std::vector<WeightMatrix> matrices;
  for (const Prunable& p : prunable_weights(model, options)) {
    std::optional<ChannelReach> reach = channel_reach(model, p.node);
    if (!reach) continue;
    layers.push_back(p);
    reaches.push_back(std::move(*reach));
    matrices.push_back({model.value(p.weight).constant->data<float>(), p.rows, p.cols});
  }
  if (layers.empty())
    return invalid_argument("no Conv can lose output channels: every one (but the stem) feeds a residual Add, "
                            "Concat, Reshape, Flatten, Gemm, grouped conv or graph output");
  ASSIGN_OR_RETURN(std::vector<std::vector<uint8_t>> masks, masks_of(matrices, options));
  PruneResult result;
  result.graph = model;
  std::vector<std::vector<int64_t>> kept;
  int64_t total = 0, removed = 0;
  for (size_t l = 0; l < layers.size(); ++l) {
    kept.push_back(kept_filters(matrices[l], masks[l]));
    const int64_t gone = (layers[l].rows - static_cast<int64_t>(kept.back().size())) * layers[l].cols;
    const int64_t weights = layers[l].rows * layers[l].cols;
    result.layers.push_back(
        {model.nodes[layers[l].node].name, weights, static_cast<double>(gone) / static_cast<double>(weights)});
    total += weights;
    removed += gone;
  }
  remove_channels(result.graph, reaches, kept);
  result.sparsity = static_cast<double>(removed) / static_cast<double>(total);
  return result;
}

// The other patterns: the masked weights zeroed in place of the dense ones.
Result<PruneResult> prune_weights(const Graph& model, const PruneOptions& options) {
  PruneResult result;
  result.graph = model;
  const std::vector<Prunable> layers = prunable_weights(model, options);
  if (layers.empty()) return invalid_argument("the model has no Conv, Gemm or MatMul with constant float weights to prune");
  std::vector<std::vector<float>> views;
  std::vector<WeightMatrix> matrices;
  int64_t total = 0;
  double carried = 0;
  for (const Prunable& p : layers) {
    views.push_back(row_major_view(*model.value(p.weight).constant, p));
    total += p.rows * p.cols;
  }
  for (size_t l = 0; l < layers.size(); ++l) {
    matrices.push_back({views[l].data(), layers[l].rows, layers[l].cols});
    carried += pattern_sparsity(matrices[l], options.pattern) * static_cast<double>(layers[l].rows * layers[l].cols);
  }
  // Already pruned in this pattern (to within half a point): its zeros are the masks.
  result.carried = carried / static_cast<double>(total) >= options.sparsity - 0.005;
  std::vector<std::vector<uint8_t>> masks;
  if (!result.carried) {
    ASSIGN_OR_RETURN(masks, masks_of(matrices, options));
  }
  double pruned_total = 0;
  for (size_t l = 0; l < layers.size(); ++l) {
    const Prunable& p = layers[l];
    if (!result.carried) {
      Tensor pruned = model.value(p.weight).constant->clone();
      float* data = pruned.data<float>();
      for (int64_t r = 0; r < p.rows; ++r) {
        for (int64_t c = 0; c < p.cols; ++c) {
          if (masks[l][static_cast<size_t>(r * p.cols + c)] != 0) continue;
          views[l][static_cast<size_t>(r * p.cols + c)] = 0;
          data[p.transposed ? c * p.rows + r : r * p.cols + c] = 0;
        }
      }
      // A fresh constant: another node may share the original weight.
      const ValueId id = result.graph.add_constant(model.value(p.weight).name + "_pruned", std::move(pruned));
      result.graph.nodes[p.node].inputs[1] = id;
    }
    const double s = pattern_sparsity(matrices[l], options.pattern);
    result.layers.push_back({model.nodes[p.node].name, p.rows * p.cols, s});
    pruned_total += s * static_cast<double>(p.rows * p.cols);
  }
  result.sparsity = pruned_total / static_cast<double>(total);
  return result;
}

}  // namespace

PruneOptions study_prune_options(const Graph& model) {
  PruneOptions options;
  options.pattern.kind = Pattern::Kind::kBlock;
  options.pattern.block_rows = has_conv(model) ? 2 : 4;
  options.sparsity = has_conv(model) ? 0.75 : 0.9;
  return options;
}

Result<PruneResult> prune_graph(const Graph& model, const PruneOptions& options) {
  if (!(options.sparsity >= 0 && options.sparsity < 1))
    return invalid_argument("sparsity must be in [0, 1), got " + std::to_string(options.sparsity));
  if (options.pattern.kind == Pattern::Kind::kChannel) return prune_channels(model, options);
  return prune_weights(model, options);
}

}  // namespace edgerun::prune
