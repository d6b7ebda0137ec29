// The deployment operators the tools apply before measuring or serving (DESIGN.md's vocabulary: an operator
// is a graph-to-graph transform). This issue's: identity and the two quantizations.
//   identity  the model as it is (FP32).
//   sptq      static post-training quantization (operators/sptq): for latency, the full-size model's
//             INT8 graph, its ranges taken by minmax from one seeded random batch (the graph, not the
//             ranges, sets the latency; a full calibration of FCN @520 takes minutes); for accuracy,
//             the trained surrogate calibrated by the chosen calibrator on its task's train data.
//             Runs on INT8 kernels (graph/passes/lower_qdq.h).
//   qat       the QAT-trained surrogate (models/trained/<name>/qat.onnx, a QDQ export) for accuracy; for
//             latency the full-size model in SPTQ's INT8 graph, since QAT changes the weights, not the
//             graph the engine runs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "graph/graph.h"
#include "engine/session.h"
#include "operators/sptq/sptq.h"
#include "tools/common/model_source.h"

namespace edgerun {

enum class DeploymentOp { kIdentity, kSptq, kQat };

Result<DeploymentOp> parse_deployment_op(const std::string& name);
const char* deployment_op_name(DeploymentOp op);

struct OperatorOptions {
  DeploymentOp op = DeploymentOp::kIdentity;
  sptq::SptqOptions sptq;
  int64_t train_rows = 128;    // calibration of a trained surrogate on its train data
};

struct AppliedOperator {
  Graph graph;
  std::string summary;  // one line: what the operator did
};

// The graph bench_engine measures latency on.
Result<AppliedOperator> apply_for_latency(const Graph& model, const OperatorOptions& options);

// A model as the tools deploy it: resolved (zoo name or ONNX file, tools/common/model_source.h), loaded
// (built natively or imported), the operator applied for latency, in a Session (not compiled yet).
struct DeployedModel {
  ModelSource source;
  std::unique_ptr<Session> session;
  std::string operator_summary;
  double load_ms = 0;      // build or import
  double operator_ms = 0;  // apply_for_latency
};
Result<DeployedModel> load_deployed_model(const std::string& name_or_path, const OperatorOptions& op,
                                          const SessionOptions& options);

}  // namespace edgerun
