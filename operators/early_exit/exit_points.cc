#include "operators/early_exit/exit_points.h"

#include <algorithm>
#include <map>
#include <utility>

#include "operators/early_exit/block_scope.h"

namespace edgerun::early_exit {

namespace {

struct FoundBlock {
  BlockScope scope;
  size_t first_node = 0;  // for messages
};

// (stage, index) -> block, so iteration is model numbering order.
using BlockMap = std::map<std::pair<int, int>, FoundBlock>;

std::string quoted_list(const std::vector<std::string>& items, size_t max_items = 4) {
  std::string s;
  for (size_t i = 0; i < items.size() && i < max_items; ++i) s += (i ? ", '" : "'") + items[i] + "'";
  if (items.size() > max_items) s += ", ... (" + std::to_string(items.size()) + " in all)";
  return s;
}

// Every node's block scope, grouped per family. Errors: one block under two different scopes.
Status collect_scopes(const Graph& graph, BlockMap& resnet, BlockMap& transformer) {
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    const std::string& name = graph.nodes[k].name;
    std::optional<BlockScope> scope = block_scope_of(name);
    if (!scope) continue;
    BlockMap& blocks = scope->family == ModelFamily::kResNet ? resnet : transformer;
    const std::pair<int, int> key{scope->stage, scope->index};
    auto it = blocks.find(key);
    if (it == blocks.end()) {
      blocks.emplace(key, FoundBlock{std::move(*scope), k});
    } else if (it->second.scope.prefix != scope->prefix) {
      return invalid_argument("block '" + scope->block_name() + "' appears under two scopes: '" +
                              it->second.scope.prefix + "' (node '" + graph.nodes[it->second.first_node].name +
                              "') and '" + scope->prefix + "' (node '" + name + "')");
    }
  }
  return Status();
}

// Stages numbered layer1..layerS (transformer: one), each with blocks 0..n-1; fills `structure`
// with names (outputs come later) and returns the blocks in that order.
Result<std::vector<const FoundBlock*>> number_blocks(const BlockMap& found, BlockStructure& structure) {
  std::vector<const FoundBlock*> flat;
  for (const auto& [key, block] : found) {
    const auto [stage, index] = key;
    const bool transformer = structure.family == ModelFamily::kTransformer;
    const int stage_pos = transformer ? 0 : stage - 1;
    if (static_cast<int>(structure.stages.size()) < stage_pos + 1) {
      if (static_cast<int>(structure.stages.size()) != stage_pos) {
        return invalid_argument("the graph has residual blocks in layer" + std::to_string(stage) +
                                " but none in layer" + std::to_string(structure.stages.size() + 1));
      }
      structure.stage_names.push_back(transformer ? "encoder" : "layer" + std::to_string(stage));
      structure.stages.emplace_back();
    }
    std::vector<Block>& blocks = structure.stages.back();
    if (index != static_cast<int>(blocks.size())) {
      BlockScope missing = block.scope;
      missing.index = static_cast<int>(blocks.size());
      return invalid_argument("the graph has block '" + block.scope.block_name() + "' but no '" + missing.block_name() +
                              "'");
    }
    blocks.push_back(Block{block.scope.block_name(), kNoValue});
    flat.push_back(&block);
  }
  return flat;
}

// The value each block hands on: the one non-constant value made inside its scope and read outside
// it (by a later node or as a graph output). `owner` maps nodes to indices into `flat`.
Result<std::vector<ValueId>> block_outputs(const Graph& graph, const std::vector<const FoundBlock*>& flat,
                                           const std::vector<int>& owner) {
  const std::vector<bool> constant = constant_values(graph);
  const std::vector<int> producers = graph.producers();
  std::vector<std::vector<ValueId>> read_outside(flat.size());
  auto note = [&](ValueId v, int reader_block) {
    if (v == kNoValue || constant[static_cast<size_t>(v)]) return;
    const int p = producers[static_cast<size_t>(v)];
    if (p < 0) return;
    const int b = owner[static_cast<size_t>(p)];
    if (b < 0 || b == reader_block) return;
    std::vector<ValueId>& c = read_outside[static_cast<size_t>(b)];
    if (std::find(c.begin(), c.end(), v) == c.end()) c.push_back(v);
  };
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    for (ValueId in : graph.nodes[k].inputs) note(in, owner[k]);
  }
  for (ValueId out : graph.outputs) note(out, -1);

  std::vector<ValueId> outputs;
  for (size_t b = 0; b < flat.size(); ++b) {
    const std::string what = "block '" + flat[b]->scope.block_name() + "' (nodes '" + flat[b]->scope.prefix + "*')";
    const std::vector<ValueId>& c = read_outside[b];
    if (c.empty()) return invalid_argument(what + ": no value made inside it is read outside it");
    if (c.size() > 1) {
      std::vector<std::string> names;
      for (ValueId v : c) names.push_back(graph.value(v).name);
      return invalid_argument(what + ": its output is ambiguous, " + std::to_string(c.size()) +
                              " values made inside it are read outside it: " + quoted_list(names));
    }
    outputs.push_back(c[0]);
  }
  return outputs;
}

}  // namespace

Result<BlockStructure> find_blocks(const Graph& graph) {
  BlockMap resnet, transformer;
  RETURN_IF_ERROR(collect_scopes(graph, resnet, transformer));
  if (resnet.empty() && transformer.empty()) {
    return not_found("graph '" + graph.name + "' has no block structure: none of its " +
                     std::to_string(graph.nodes.size()) +
                     " node names is in a residual block ('layer1.0.conv1', 'backbone.layer1.0.conv1', "
                     "'/layer1/layer1.0/conv1/Conv') or an encoder layer ('bert.encoder.layer.0.*', "
                     "'/layers.0/*')");
  }
  if (!resnet.empty() && !transformer.empty()) {
    return invalid_argument("graph '" + graph.name + "' names both residual blocks (node '" +
                            graph.nodes[resnet.begin()->second.first_node].name + "') and encoder layers (node '" +
                            graph.nodes[transformer.begin()->second.first_node].name +
                            "'); early exit needs one block structure");
  }
  BlockStructure structure;
  structure.family = resnet.empty() ? ModelFamily::kTransformer : ModelFamily::kResNet;
  const BlockMap& found = resnet.empty() ? transformer : resnet;
  ASSIGN_OR_RETURN(std::vector<const FoundBlock*> flat, number_blocks(found, structure));

  std::map<std::pair<int, int>, int> flat_index;
  for (const auto& [key, block] : found) flat_index.emplace(key, static_cast<int>(flat_index.size()));
  std::vector<int> owner(graph.nodes.size(), -1);
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    const std::optional<BlockScope> scope = block_scope_of(graph.nodes[k].name);
    if (scope && scope->family == structure.family) owner[k] = flat_index.at({scope->stage, scope->index});
  }
  ASSIGN_OR_RETURN(std::vector<ValueId> outputs, block_outputs(graph, flat, owner));

  // Model order: each block's output is computed after the previous block's.
  const std::vector<int> producers = graph.producers();
  size_t b = 0;
  for (std::vector<Block>& stage : structure.stages) {
    for (Block& block : stage) {
      block.output = outputs[b];
      if (b > 0 && producers[static_cast<size_t>(outputs[b])] < producers[static_cast<size_t>(outputs[b - 1])]) {
        return invalid_argument("block '" + block.name + "' is computed before block '" +
                                flat[b - 1]->scope.block_name() + "': the blocks are not in model order");
      }
      ++b;
    }
  }
  return structure;
}

std::vector<Block> default_exit_points(const BlockStructure& blocks) {
  std::vector<Block> points;
  if (blocks.family == ModelFamily::kResNet) {
    for (size_t s = 0; s + 1 < blocks.stages.size(); ++s) {
      if (!blocks.stages[s].empty()) points.push_back(blocks.stages[s].back());
    }
    return points;
  }
  if (blocks.stages.empty()) return points;
  const std::vector<Block>& layers = blocks.stages[0];
  const int64_t n = static_cast<int64_t>(layers.size());
  for (int64_t j = 1; j <= 3; ++j) {
    const int64_t layer = (2 * n * j + 4) / 8 - 1;  // round(n * j / 4) - 1, halves rounded up
    if (layer < 0 || layer >= n - 1) continue;
    if (!points.empty() && points.back().name == layers[static_cast<size_t>(layer)].name) continue;
    points.push_back(layers[static_cast<size_t>(layer)]);
  }
  return points;
}

std::vector<Block> corresponding_exit_points(const BlockStructure& target, const BlockStructure& source,
                                             const std::vector<Block>& source_points) {
  std::vector<Block> points;
  if (target.family != source.family) return points;
  for (const Block& point : source_points) {
    for (size_t s = 0; s < source.stages.size() && s < target.stages.size(); ++s) {
      const std::vector<Block>& from = source.stages[s];
      const std::vector<Block>& to = target.stages[s];
      for (size_t b = 0; b < from.size() && !to.empty(); ++b) {
        if (from[b].name != point.name) continue;
        // The same relative depth in the stage; a stage's last block stays its last block.
        size_t mapped = b + 1 == from.size() ? to.size() - 1
                                             : static_cast<size_t>(std::max<int64_t>(
                                                   0, (2 * static_cast<int64_t>((b + 1) * to.size()) +
                                                       static_cast<int64_t>(from.size())) /
                                                              (2 * static_cast<int64_t>(from.size())) -
                                                          1));
        const bool model_last = s + 1 == target.stages.size() && mapped + 1 == to.size();
        if (model_last || (!points.empty() && points.back().name == to[mapped].name)) continue;
        points.push_back(to[mapped]);
      }
    }
  }
  return points;
}

namespace {

std::string trim(const std::string& s) {
  const size_t first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// "layer1, layer2, layer3 (a stage's last block), layer1.0..layer1.2, ..., layer4.0..layer4.1".
std::string valid_names(const BlockStructure& blocks) {
  std::string stages;
  std::string ranges;
  for (size_t s = 0; s < blocks.stages.size(); ++s) {
    const std::vector<Block>& stage = blocks.stages[s];
    const bool last_stage = s + 1 == blocks.stages.size();
    const size_t usable = last_stage ? stage.size() - 1 : stage.size();  // never the model's last block
    if (!last_stage) stages += (stages.empty() ? "" : ", ") + blocks.stage_names[s];
    if (usable == 0) continue;
    ranges += (ranges.empty() ? "" : ", ") + stage.front().name;
    if (usable > 1) ranges += ".." + stage[usable - 1].name;
  }
  if (!stages.empty()) stages += " (a stage's last block), ";
  return stages + (ranges.empty() ? "none" : ranges);
}

}  // namespace

Result<std::vector<Block>> parse_exit_points(const BlockStructure& blocks, const std::string& spec) {
  std::vector<const Block*> flat;
  std::map<std::string, size_t> position;  // block and stage names -> index into flat
  for (size_t s = 0; s < blocks.stages.size(); ++s) {
    for (const Block& block : blocks.stages[s]) {
      position[block.name] = flat.size();
      flat.push_back(&block);
    }
    if (!blocks.stages[s].empty()) position[blocks.stage_names[s]] = flat.size() - 1;
  }
  if (flat.empty()) return invalid_argument("the model has no blocks to exit after");
  const std::string where = "exit points '" + spec + "': ";
  if (trim(spec).empty()) return invalid_argument(where + "no exit points given; valid: " + valid_names(blocks));
  std::vector<Block> points;
  std::vector<std::pair<std::string, size_t>> taken;  // name as given, its index into flat
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    if (comma == std::string::npos) comma = spec.size();
    const std::string name = trim(spec.substr(start, comma - start));
    start = comma + 1;
    if (name.empty())
      return invalid_argument(where + "an empty name; give a comma-separated list of stages and blocks");
    auto it = position.find(name);
    if (it == position.end()) {
      return invalid_argument(where + "unknown block or stage '" + name + "'; valid: " + valid_names(blocks));
    }
    const size_t pos = it->second;
    const Block& block = *flat[pos];
    if (pos + 1 == flat.size()) {
      return invalid_argument(where + "'" + name + "' is the model's last block (" + block.name +
                              "), whose exit is the model's own output; valid: " + valid_names(blocks));
    }
    for (const auto& [earlier, earlier_pos] : taken) {
      if (earlier_pos == pos) {
        return invalid_argument(where + "'" + name + "' and '" + earlier + "' are the same block (" + block.name + ")");
      }
    }
    if (!taken.empty() && pos < taken.back().second) {
      return invalid_argument(where + "'" + name + "' comes before '" + taken.back().first +
                              "' in the model; list exit points in model order");
    }
    points.push_back(block);
    taken.emplace_back(name, pos);
  }
  return points;
}

}  // namespace edgerun::early_exit
