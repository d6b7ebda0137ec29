// Which block a node belongs to, read from its name (internal to exit_points.cc and static_skip.cc).
// Names are split at '.' and '/' into tokens; a block is "layer<S>" then a block number (ResNet), or
// "layer"/"layers" then a layer number (transformer), with at least one token after it (the node):
//   "layer4.0.conv1", "backbone.layer4.0.conv1", "/layer4/layer4.0/conv1/Conv"  -> ResNet layer4.0
//   "bert.encoder.layer.11.attention.self.query", "/layers.1/Add_2"            -> transformer layer.11, layer.1
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "operators/early_exit/exit_points.h"

namespace edgerun::early_exit {

struct BlockScope {
  ModelFamily family = ModelFamily::kResNet;
  int stage = 0;       // ResNet: the S of layerS (1-based); transformer: 0
  int index = 0;       // the block's number within its stage
  std::string prefix;  // the name up to the block number: "backbone.layer4.0", "/layers.1"

  std::string block_name() const;  // "layer4.0", "layer.1"
};

// The first block scope in the name, if any.
std::optional<BlockScope> block_scope_of(const std::string& node_name);

// For each value: whether it is computable from constants alone (initializers, Constant nodes and
// nodes reading only such values). Needs topologically sorted nodes.
std::vector<bool> constant_values(const Graph& graph);

}  // namespace edgerun::early_exit
