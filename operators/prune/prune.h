// Magnitude pruning of a graph's weights (issue 8's --op prune, the graph transform), as the white-box
// study pruned: a model with convolutions prunes its Conv weights but the first (the stem) and not its
// classifier; a model without (text) the constant weights of its Gemm and MatMul layers. Each is viewed
// as [output channels, rest] (prune_masks.h) and masked by one global threshold or per layer. A model that
// already carries the pattern's zeros at the asked sparsity (the white-box pruned variants) is detected and
// left as it is: its masks are its zeros.
// The channel pattern is structured: the pruned filters leave the graph, the layers after them shrink to
// match (channel_prune.h), and only convs whose channels can go take part; a model without Conv is refused
// (its linear layers take the other patterns). A model's all-zero filters score lowest, so they go first.
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"
#include "operators/prune/prune_masks.h"

namespace edgerun::prune {

struct PruneOptions {
  Pattern pattern;         // default unstructured
  double sparsity = 0.75;  // of the pruned layers' weights
  bool global = true;      // one threshold over all layers; false: each layer alone
  // Nodes left dense, by name (besides the stem).
  std::vector<std::string> exclude;
};

struct LayerReport {
  std::string node;
  int64_t weights = 0;
  double sparsity = 0;  // of this layer's weights after pruning, in the pattern (channel: in removed filters)
};

struct PruneResult {
  Graph graph;
  bool carried = false;  // the model already carried the sparsity: nothing was changed (never for channel)
  std::vector<LayerReport> layers;
  double sparsity = 0;  // over all pruned layers' weights (channel: the removed filters' share of them)
};

Result<PruneResult> prune_graph(const Graph& model, const PruneOptions& options);

// The white-box study's settings for a model: with convolutions 2x1 blocks at 75%, without (text) 4x1
// blocks at 90%; global.
PruneOptions study_prune_options(const Graph& model);

}  // namespace edgerun::prune
