// The deployment operators the tools apply before measuring or serving (DESIGN.md's vocabulary: an operator
// is a graph-to-graph transform), composed into a pipeline by `--op a+b+c` (operator_pipeline.h says
// which orders are accepted). The steps:
//   identity  the model as it is (FP32); the empty pipeline.
//   distill   (tools/deployment/distill.h) the zoo's student of the model in its place: for latency the
//             full-size student, for accuracy its trained surrogate beside the teacher's.
//   prune     (operators/prune) magnitude pruning at --pattern / --sparsity (default the study's: 2x1 at
//             75% with convolutions, 4x1 at 90% without); the engine runs each pruned layer on the
//             sparse kernels where it measures them faster (engine/ops/sparse_choice.h). Accuracy: the surrogate's trained pruned variant where it has one, and
//             one-shot magnitude pruning of its fp32 model. Before sptq the INT8 weights keep its zeros
//             (symmetric quantization maps 0 to 0).
//   sptq      static post-training quantization (operators/sptq): for latency, the full-size model's
//             INT8 graph, its ranges taken by minmax from one seeded random batch (the graph, not the
//             ranges, sets the latency; a full calibration of FCN @520 takes minutes); for accuracy,
//             the trained surrogate calibrated by the chosen calibrator on its task's train data.
//             Runs on INT8 kernels (graph/passes/lower_qdq.h).
//   qat       the QAT-trained surrogate (models/trained/<name>/qat.onnx, a QDQ export) for accuracy; for
//             latency the full-size model in SPTQ's INT8 graph, since QAT changes the weights, not the
//             graph the engine runs.
//   early_exit  (operators/early_exit) --ee static: the study's block skipping, the same graph change on
//             both models. --ee dynamic: exit heads after blocks; on the trained surrogate fitted on its
//             train data and thresholds chosen there (tools/deployment/trained_early_exit.h); on the
//             full-size model seeded random heads, its latency measured per exit path (forced exits,
//             engine/session.h ExitPolicy) since random weights cannot say which inputs are easy.
//             With sptq (QEE, the studies' "sptq+early_exit"): early exit first, then SPTQ of the whole
//             graph (heads included); thresholds are chosen on the quantized model.
//   partition the graph is unchanged; bench_engine runs it on the split placements (--placement,
//             default mobile-edge, edge-cloud, mobile-cloud) and the tier servers build the pipeline
//             without this step.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "graph/graph.h"
#include "models/data/trained_record.h"
#include "engine/session.h"
#include "operators/early_exit/exit_thresholds.h"
#include "operators/prune/prune.h"
#include "operators/sptq/sptq.h"
#include "tools/common/model_source.h"
#include "tools/deployment/operator_pipeline.h"

namespace edgerun {

enum class EarlyExitMode { kStatic, kDynamic };
Result<EarlyExitMode> parse_early_exit_mode(const std::string& name);

struct EarlyExitOptions {
  EarlyExitMode mode = EarlyExitMode::kStatic;
  std::string points;  // --ee-points (exit_points.h); empty: the default points
  early_exit::ExitRule rule = early_exit::ExitRule::kMaxProb;
  double max_drop = 1.0;     // metric points the thresholds may lose on calibration data
  int64_t fit_rows = 8192;   // train rows the heads are fitted on
  int64_t calib_rows = 8192; // further train rows the thresholds are chosen on
  bool labels = false;       // fit heads on labels instead of the model's own output
};

struct OperatorOptions {
  OperatorPipeline pipeline;  // identity
  sptq::SptqOptions sptq;
  int64_t train_rows = 128;    // calibration of a trained surrogate on its train data
  EarlyExitOptions early_exit;
  // prune: "" / negative take the study's settings for the model (prune::study_prune_options).
  std::string prune_pattern;
  double prune_sparsity = -1;
  bool prune_per_layer = false;  // the sparsity in every layer instead of one global threshold
};

// SPTQ of a trained surrogate's graph, the accuracy side of sptq: ranges by op.sptq's calibrator on
// op.train_rows rows of the record's task train data.
Result<Graph> quantize_surrogate(const Graph& graph, const data::TrainedRecord& record, const OperatorOptions& op);

// The pruning options `options` give for `model`.
Result<prune::PruneOptions> prune_options_for(const Graph& model, const OperatorOptions& options);

struct AppliedOperator {
  Graph graph;
  std::string summary;  // what the operator did (one line per step)
  std::vector<std::string> exit_names;  // dynamic early exit: the blocks with a head, in model order
};

// SPTQ's INT8 graph for latency (ranges by minmax on one seeded random batch).
Result<AppliedOperator> quantize_for_latency(const Graph& model, const OperatorOptions& options);

// The graph bench_engine measures latency on; `zoo_name` is the zoo model `model` was built as ("" for a
// file). With distill `model` is the student already (load_deployed_model builds it in the teacher's place).
Result<AppliedOperator> apply_for_latency(const Graph& model, const OperatorOptions& options,
                                          const std::string& zoo_name = "");

// A model as the tools deploy it: resolved (zoo name or ONNX file, tools/common/model_source.h), loaded
// (built natively or imported), the operator applied for latency, in a Session (not compiled yet).
struct DeployedModel {
  ModelSource source;          // the model asked for
  std::string built_zoo_name;  // the zoo model built: the student with distill; "" for a file
  std::unique_ptr<Session> session;
  std::string operator_summary;
  std::vector<std::string> exit_names;  // dynamic early exit
  double load_ms = 0;      // build or import
  double operator_ms = 0;  // apply_for_latency
};
Result<DeployedModel> load_deployed_model(const std::string& name_or_path, const OperatorOptions& op,
                                          const SessionOptions& options);

}  // namespace edgerun
