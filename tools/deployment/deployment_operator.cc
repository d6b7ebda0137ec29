#include "tools/deployment/deployment_operator.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "graph/onnx/onnx_importer.h"
#include "models/zoo/zoo.h"
#include "operators/sptq/calibration_data.h"
#include "tools/common/latency_stats.h"
#include "tools/deployment/distill.h"
#include "tools/deployment/early_exit_latency.h"

namespace edgerun {

Result<EarlyExitMode> parse_early_exit_mode(const std::string& name) {
  if (name == "static") return EarlyExitMode::kStatic;
  if (name == "dynamic") return EarlyExitMode::kDynamic;
  return invalid_argument("unknown early exit '" + name + "' (static, dynamic)");
}

Result<AppliedOperator> quantize_for_latency(const Graph& model, const OperatorOptions& options) {
  sptq::CalibrationRequest calibration;
  calibration.samples = 1;
  ASSIGN_OR_RETURN(auto samples, sptq::calibration_samples(model, calibration));
  sptq::SptqOptions latency_options = options.sptq;
  latency_options.calibrator = sptq::Calibrator::kMinMax;
  ASSIGN_OR_RETURN(sptq::SptqResult q, sptq::quantize(model, samples, latency_options));
  std::string ops;
  for (const auto& [op, count] : q.quantized_ops) ops += (ops.empty() ? "" : ", ") + op + " " + std::to_string(count);
  std::string summary = "sptq: INT8 graph (ranges by minmax on one seeded random batch); quantized " + ops;
  if (options.pipeline.has(OperatorStep::kQat))
    summary = "qat: " + summary + "; QAT changes the weights, not this graph";
  return AppliedOperator{std::move(q.graph), summary, {}};
}

Result<Graph> quantize_surrogate(const Graph& graph, const data::TrainedRecord& record, const OperatorOptions& op) {
  ASSIGN_OR_RETURN(const std::string path, record.model_path("fp32"));
  sptq::CalibrationRequest calibration;
  calibration.task = record.task;
  calibration.samples = op.train_rows;
  calibration.vocab_path = (std::filesystem::path(path).parent_path() / "vocab.txt").string();
  ASSIGN_OR_RETURN(auto samples, sptq::calibration_samples(graph, calibration));
  ASSIGN_OR_RETURN(sptq::SptqResult q, sptq::quantize(graph, samples, op.sptq));
  return std::move(q.graph);
}

Result<prune::PruneOptions> prune_options_for(const Graph& model, const OperatorOptions& options) {
  prune::PruneOptions p = prune::study_prune_options(model);
  if (!options.prune_pattern.empty()) {
    ASSIGN_OR_RETURN(p.pattern, prune::parse_pattern(options.prune_pattern));
  }
  if (options.prune_sparsity >= 0) p.sparsity = options.prune_sparsity;
  p.global = !options.prune_per_layer;
  return p;
}

namespace {

Result<AppliedOperator> prune_for_latency(const Graph& model, const OperatorOptions& options) {
  ASSIGN_OR_RETURN(prune::PruneOptions p, prune_options_for(model, options));
  ASSIGN_OR_RETURN(prune::PruneResult pruned, prune::prune_graph(model, p));
  char sparsity[32];
  std::snprintf(sparsity, sizeof sparsity, "%.1f%%", 100.0 * pruned.sparsity);
  std::string summary = "prune: " + prune::pattern_name(p.pattern) + " at " + sparsity +
                        (p.global ? " (global) of " : " (per layer) of ") + std::to_string(pruned.layers.size()) +
                        " layers" + (pruned.carried ? ", carried by the model already" : "");
  return AppliedOperator{std::move(pruned.graph), summary, {}};
}

}  // namespace

Result<AppliedOperator> apply_for_latency(const Graph& model, const OperatorOptions& options,
                                          const std::string& zoo_name) {
  const OperatorPipeline& p = options.pipeline;
  if (p.identity()) return AppliedOperator{model, "identity: FP32 as loaded", {}};
  // The parser leaves one order per set of steps (QEE's two spellings aside, both early exit first), so
  // this fixed order is the order written.
  AppliedOperator applied{model, "", {}};
  std::vector<std::string> lines;
  if (p.steps.size() > 1) lines.push_back(p.name() + ":");
  if (p.has(OperatorStep::kDistill)) {
    const zoo::ZooEntry* student = zoo::find_zoo_entry(zoo_name);
    if (student == nullptr) return invalid_argument("distill: the model must be built as its zoo student");
    lines.push_back(std::string("distill: the full-size student '") + student->name + "' (" + student->architecture +
                    ") in place of its teacher");
  }
  if (p.has(OperatorStep::kPrune)) {
    ASSIGN_OR_RETURN(applied, prune_for_latency(applied.graph, options));
    lines.push_back(applied.summary);
  }
  if (p.exits_early()) {  // quantizes too with sptq (QEE)
    ASSIGN_OR_RETURN(applied, early_exit_for_latency(applied.graph, options, zoo_name));
    lines.push_back(applied.summary);
  } else if (p.quantizes()) {
    ASSIGN_OR_RETURN(applied, quantize_for_latency(applied.graph, options));
    lines.push_back(applied.summary);
  }
  if (p.has(OperatorStep::kPartition))
    lines.push_back("partition: this graph split across two tiers (--placement; default mobile-edge, edge-cloud, "
                    "mobile-cloud)");
  applied.summary.clear();
  for (const std::string& line : lines) applied.summary += (applied.summary.empty() ? "" : "\n           ") + line;
  return applied;
}

Result<DeployedModel> load_deployed_model(const std::string& name_or_path, const OperatorOptions& op,
                                          const SessionOptions& options) {
  using Clock = std::chrono::steady_clock;
  DeployedModel m;
  ASSIGN_OR_RETURN(m.source, resolve_model(name_or_path));
  m.built_zoo_name = m.source.zoo_name;
  if (op.pipeline.has(OperatorStep::kDistill)) {
    ASSIGN_OR_RETURN(m.built_zoo_name, zoo_student_of(m.source));
  }
  const auto t_load = Clock::now();
  auto loaded = m.built_zoo_name.empty() ? onnx::import_model_file(m.source.path)
                                         : zoo::build_zoo_model(m.built_zoo_name);
  if (!loaded.ok()) return loaded.status();
  m.load_ms = ms_since(t_load);
  const auto t_op = Clock::now();
  ASSIGN_OR_RETURN(AppliedOperator applied, apply_for_latency(loaded.value(), op, m.built_zoo_name));
  m.operator_ms = ms_since(t_op);
  m.operator_summary = std::move(applied.summary);
  m.exit_names = std::move(applied.exit_names);
  ASSIGN_OR_RETURN(m.session, Session::from_graph(std::move(applied.graph), options));
  return m;
}

}  // namespace edgerun
