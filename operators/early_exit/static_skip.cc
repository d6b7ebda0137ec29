#include "graph/passes/eliminate_dead_nodes.h"
#include "operators/early_exit/block_scope.h"
#include "operators/early_exit/exit_points.h"

namespace edgerun::early_exit {

namespace {

// Rank and every dim both sides know agree (symbolic or unknown dims are not compared).
bool compatible_shapes(const Value& a, const Value& b) {
  if (!a.has_shape || !b.has_shape) return true;
  if (a.shape.size() != b.shape.size()) return false;
  for (size_t d = 0; d < a.shape.size(); ++d) {
    if (a.shape[d].known() && b.shape[d].known() && a.shape[d].size != b.shape[d].size) return false;
  }
  return true;
}

// Skipping only removes the skipped blocks if nothing but the last block's output leaves them: any
// other value they make and someone else reads would keep them alive (and half-run).
Status check_only_output_leaves(const Graph& graph, const std::vector<bool>& skipped, ValueId last_output) {
  const std::vector<bool> constant = constant_values(graph);
  const std::vector<int> producers = graph.producers();
  auto leaves = [&](ValueId v) {
    if (v == kNoValue || v == last_output || constant[static_cast<size_t>(v)]) return false;
    const int p = producers[static_cast<size_t>(v)];
    return p >= 0 && skipped[static_cast<size_t>(p)];
  };
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    if (skipped[k]) continue;
    for (ValueId in : graph.nodes[k].inputs) {
      if (leaves(in)) {
        return invalid_argument(graph.nodes[k].describe() + " reads '" + graph.value(in).name + "' from " +
                                graph.nodes[static_cast<size_t>(producers[static_cast<size_t>(in)])].describe() +
                                " in a block static early exit skips");
      }
    }
  }
  for (ValueId out : graph.outputs) {
    if (leaves(out)) {
      return invalid_argument("graph output '" + graph.value(out).name +
                              "' is made in a block static early exit skips");
    }
  }
  return Status();
}

}  // namespace

Result<StaticSkip> apply_static_skip(Graph& graph) {
  ASSIGN_OR_RETURN(BlockStructure blocks, find_blocks(graph));
  const std::vector<Block>& stage = blocks.stages.back();
  const std::string& stage_name = blocks.stage_names.back();
  size_t kept_index = 0;
  if (blocks.family == ModelFamily::kResNet) {
    if (stage.size() < 2) {
      return invalid_argument("static early exit skips " + stage_name + "'s blocks after the first, but " + stage_name +
                              " has only " + stage.front().name);
    }
  } else {
    const size_t skip = (stage.size() + 5) / 6;  // ceil(L / 6)
    if (stage.size() <= skip) {
      return invalid_argument("static early exit skips the last " + std::to_string(skip) + " of " +
                              std::to_string(stage.size()) + " encoder layers, which leaves none");
    }
    kept_index = stage.size() - 1 - skip;
  }
  const Block& kept = stage[kept_index];
  const Block& last = stage.back();
  StaticSkip result;
  result.kept_output = kept.name;
  for (size_t i = kept_index + 1; i < stage.size(); ++i) result.skipped_blocks.push_back(stage[i].name);

  const Value& kept_value = graph.value(kept.output);
  const Value& last_value = graph.value(last.output);
  if (!compatible_shapes(kept_value, last_value) ||
      (kept_value.dtype != DType::kUndefined && last_value.dtype != DType::kUndefined &&
       kept_value.dtype != last_value.dtype)) {
    return invalid_argument("static early exit: " + kept.name + "'s output '" + kept_value.name + "' " +
                            sym_shape_to_string(kept_value.shape) + " cannot replace " + last.name + "'s output '" +
                            last_value.name + "' " + sym_shape_to_string(last_value.shape));
  }

  // The skipped blocks' nodes, by the same scopes find_blocks read.
  const int stage_number = blocks.family == ModelFamily::kResNet ? static_cast<int>(blocks.stages.size()) : 0;
  std::vector<bool> skipped(graph.nodes.size(), false);
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    const std::optional<BlockScope> scope = block_scope_of(graph.nodes[k].name);
    skipped[k] = scope && scope->family == blocks.family && scope->stage == stage_number &&
                 scope->index > static_cast<int>(kept_index);
  }
  RETURN_IF_ERROR(check_only_output_leaves(graph, skipped, last.output));

  // Readers of the last block's output read the kept block's; a graph output that was the last
  // block's output becomes the kept block's output value (under that value's name).
  for (Node& node : graph.nodes) {
    for (ValueId& in : node.inputs) {
      if (in == last.output) in = kept.output;
    }
  }
  for (ValueId& out : graph.outputs) {
    if (out == last.output) out = kept.output;
  }
  result.removed_nodes = eliminate_dead_nodes(graph);
  return result;
}

}  // namespace edgerun::early_exit
