#include "tools/deployment/deployment_operator.h"

#include <chrono>

#include "graph/onnx/onnx_importer.h"
#include "models/zoo/zoo.h"
#include "operators/sptq/calibration_data.h"

namespace edgerun {

Result<DeploymentOp> parse_deployment_op(const std::string& name) {
  if (name == "identity") return DeploymentOp::kIdentity;
  if (name == "sptq") return DeploymentOp::kSptq;
  if (name == "qat") return DeploymentOp::kQat;
  return invalid_argument("unknown operator '" + name + "' (identity, sptq, qat)");
}

const char* deployment_op_name(DeploymentOp op) {
  switch (op) {
    case DeploymentOp::kIdentity: return "identity";
    case DeploymentOp::kSptq: return "sptq";
    case DeploymentOp::kQat: return "qat";
  }
  return "?";
}

Result<AppliedOperator> apply_for_latency(const Graph& model, const OperatorOptions& options) {
  if (options.op == DeploymentOp::kIdentity) return AppliedOperator{model, "identity: FP32 as loaded"};
  sptq::CalibrationRequest calibration;
  calibration.samples = 1;
  ASSIGN_OR_RETURN(auto samples, sptq::calibration_samples(model, calibration));
  sptq::SptqOptions latency_options = options.sptq;
  latency_options.calibrator = sptq::Calibrator::kMinMax;
  ASSIGN_OR_RETURN(sptq::SptqResult q, sptq::quantize(model, samples, latency_options));
  std::string ops;
  for (const auto& [op, count] : q.quantized_ops) ops += (ops.empty() ? "" : ", ") + op + " " + std::to_string(count);
  std::string summary = std::string(deployment_op_name(options.op)) +
                        ": INT8 graph of SPTQ (ranges by minmax on one seeded random batch); quantized " + ops;
  if (options.op == DeploymentOp::kQat) summary += "; QAT changes the weights, not this graph";
  return AppliedOperator{std::move(q.graph), summary};
}

Result<DeployedModel> load_deployed_model(const std::string& name_or_path, const OperatorOptions& op,
                                          const SessionOptions& options) {
  using Clock = std::chrono::steady_clock;
  auto ms_since = [](Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  };
  DeployedModel m;
  ASSIGN_OR_RETURN(m.source, resolve_model(name_or_path));
  const auto t_load = Clock::now();
  auto loaded = m.source.zoo_name.empty() ? onnx::import_model_file(m.source.path)
                                          : zoo::build_zoo_model(m.source.zoo_name);
  if (!loaded.ok()) return loaded.status();
  m.load_ms = ms_since(t_load);
  const auto t_op = Clock::now();
  ASSIGN_OR_RETURN(AppliedOperator applied, apply_for_latency(loaded.value(), op));
  m.operator_ms = ms_since(t_op);
  m.operator_summary = std::move(applied.summary);
  ASSIGN_OR_RETURN(m.session, Session::from_graph(std::move(applied.graph), options));
  return m;
}

}  // namespace edgerun
