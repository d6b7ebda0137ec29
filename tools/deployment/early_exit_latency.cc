#include "tools/deployment/early_exit_latency.h"

#include <filesystem>

#include "graph/onnx/onnx_importer.h"
#include "models/data/trained_record.h"
#include "operators/early_exit/exit_heads.h"
#include "operators/early_exit/exit_points.h"

namespace edgerun {

namespace {

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

}  // namespace

Result<std::vector<early_exit::Block>> early_exit_points(const Graph& model, const EarlyExitOptions& options,
                                                         const std::string& zoo_name) {
  ASSIGN_OR_RETURN(early_exit::BlockStructure blocks, early_exit::find_blocks(model));
  if (!options.points.empty()) return early_exit::parse_exit_points(blocks, options.points);
  const std::string surrogate = data::trained_models_dir() + "/" + zoo_name + "/model.onnx";
  if (zoo_name.empty() || !std::filesystem::exists(surrogate)) return early_exit::default_exit_points(blocks);
  ASSIGN_OR_RETURN(Graph trained, onnx::import_model_file(surrogate));
  ASSIGN_OR_RETURN(early_exit::BlockStructure trained_blocks, early_exit::find_blocks(trained));
  return early_exit::corresponding_exit_points(blocks, trained_blocks, early_exit::default_exit_points(trained_blocks));
}

Result<AppliedOperator> early_exit_for_latency(const Graph& model, const OperatorOptions& options,
                                               const std::string& zoo_name) {
  const bool quantize = options.pipeline.quantizes();  // QEE: sptq after the heads (qat is rejected with early_exit)
  AppliedOperator applied;
  if (options.early_exit.mode == EarlyExitMode::kStatic) {
    Graph skipped = model;
    ASSIGN_OR_RETURN(early_exit::StaticSkip skip, early_exit::apply_static_skip(skipped));
    applied.summary = "early_exit static: skipped " + join(skip.skipped_blocks) + " (" +
                      std::to_string(skip.removed_nodes) + " nodes); " + skip.kept_output + " feeds the head";
    if (!quantize) {
      applied.graph = std::move(skipped);
      return applied;
    }
    ASSIGN_OR_RETURN(AppliedOperator q, quantize_for_latency(skipped, options));
    q.summary = applied.summary + "\n           " + q.summary;
    return q;
  }
  ASSIGN_OR_RETURN(std::vector<early_exit::Block> points, early_exit_points(model, options.early_exit, zoo_name));
  ASSIGN_OR_RETURN(early_exit::MultiExitModel multi, early_exit::attach_exit_heads(model, points, {}));
  applied.summary = "early_exit dynamic: " + std::string(early_exit::head_kind_name(multi.kind)) +
                    " heads after " + join(multi.exit_names) +
                    " (seeded random weights: each exit path is timed by forcing it)";
  if (!multi.dropped_outputs.empty()) applied.summary += "; dropped output(s) " + join(multi.dropped_outputs);
  if (quantize) {
    ASSIGN_OR_RETURN(AppliedOperator q, quantize_for_latency(multi.graph, options));
    multi.graph = std::move(q.graph);
    applied.summary += "\n           " + q.summary;
  }
  const std::vector<float> never(points.size(), early_exit::never_threshold(options.early_exit.rule));
  ASSIGN_OR_RETURN(applied.graph, early_exit::arm_exits(multi, never, options.early_exit.rule));
  applied.exit_names = multi.exit_names;
  return applied;
}

}  // namespace edgerun
