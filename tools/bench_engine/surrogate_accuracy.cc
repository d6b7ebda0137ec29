#include "tools/bench_engine/surrogate_accuracy.h"

#include <cstdio>
#include <filesystem>
#include <functional>

#include "graph/onnx/onnx_importer.h"
#include "models/data/evaluate.h"
#include "models/data/trained_record.h"
#include "operators/prune/prune.h"
#include "operators/sptq/calibration_data.h"

namespace edgerun {

namespace {

struct Evaluated {
  std::string label;
  data::EvalResult result;
};

Result<Evaluated> evaluate_variant(const data::TrainedRecord& record, const std::string& variant,
                                   const AccuracyOptions& options) {
  data::EvalRequest request;
  ASSIGN_OR_RETURN(request.model_path, record.model_path(variant));
  request.task = record.task;
  request.limit = options.limit;
  request.threads = options.threads;
  ASSIGN_OR_RETURN(data::EvalResult result, data::evaluate(request));
  return Evaluated{variant, std::move(result)};
}

// The fp32 surrogate after `transform` (which also names what it did), on the test split.
Result<Evaluated> evaluate_transformed_fp32(const data::TrainedRecord& record, const AccuracyOptions& options,
                                            const std::function<Result<Graph>(const Graph&, std::string*)>& transform) {
  data::EvalRequest request;
  ASSIGN_OR_RETURN(request.model_path, record.model_path("fp32"));
  ASSIGN_OR_RETURN(Graph fp32, onnx::import_model_file(request.model_path));
  std::string label;
  ASSIGN_OR_RETURN(request.graph, transform(fp32, &label));
  request.task = record.task;
  request.limit = options.limit;
  request.threads = options.threads;
  ASSIGN_OR_RETURN(data::EvalResult result, data::evaluate(request));
  return Evaluated{label, std::move(result)};
}

Result<Evaluated> evaluate_sptq(const data::TrainedRecord& record, const AccuracyOptions& options,
                                const OperatorOptions& op) {
  return evaluate_transformed_fp32(record, options, [&](const Graph& fp32, std::string* label) {
    *label = std::string("sptq ") + sptq::calibrator_name(op.sptq.calibrator) + ", " + std::to_string(op.train_rows) +
             " train rows";
    return quantize_surrogate(fp32, record, op);
  });
}

// One-shot magnitude pruning of the fp32 surrogate (no fine-tuning) at the operator's settings.
Result<Evaluated> evaluate_one_shot_pruning(const data::TrainedRecord& record, const AccuracyOptions& options,
                                            const OperatorOptions& op) {
  return evaluate_transformed_fp32(record, options, [&](const Graph& fp32, std::string* label) -> Result<Graph> {
    ASSIGN_OR_RETURN(prune::PruneOptions p, prune_options_for(fp32, op));
    ASSIGN_OR_RETURN(prune::PruneResult pruned, prune::prune_graph(fp32, p));
    char text[96];
    std::snprintf(text, sizeof text, "fp32 pruned one-shot, %s at %.1f%%, no fine-tuning",
                  prune::pattern_name(p.pattern).c_str(), 100.0 * pruned.sparsity);
    *label = text;
    return std::move(pruned.graph);
  });
}

void print_metrics(const Evaluated& e, const data::VariantRecord* recorded, const Evaluated* reference) {
  std::printf("           %s (%lld of %lld test samples, %.1f s)\n", e.label.c_str(),
              static_cast<long long>(e.result.samples), static_cast<long long>(e.result.split_samples),
              e.result.seconds);
  const bool full_split = e.result.samples == e.result.split_samples;
  for (size_t i = 0; i < e.result.metrics.size(); ++i) {
    const data::Metric& m = e.result.metrics[i];
    std::printf("             %-8s %6.2f %%", m.name.c_str(), m.percent);
    if (reference != nullptr) std::printf("   drop %+.2f points", reference->result.metrics[i].percent - m.percent);
    if (recorded != nullptr && full_split) {
      const auto torch = recorded->metrics.find(m.name);
      if (torch != recorded->metrics.end()) std::printf("   (PyTorch recorded %.2f)", torch->second);
    }
    std::printf("\n");
  }
}

const data::VariantRecord* recorded_variant(const data::TrainedRecord& record, const std::string& variant) {
  const auto it = record.variants.find(variant);
  return it == record.variants.end() ? nullptr : &it->second;
}

}  // namespace

Status print_surrogate_accuracy(const std::string& zoo_name, const AccuracyOptions& options,
                                const OperatorOptions& op) {
  const std::string dir = data::trained_models_dir() + "/" + zoo_name;
  if (!std::filesystem::exists(dir + "/record.json")) {
    std::printf("accuracy   n/a: no trained surrogate for '%s' in models/trained/\n", zoo_name.c_str());
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(data::TrainedRecord record, data::load_trained_record(dir));
  const std::string variant = op.op == DeploymentOp::kQat ? "qat" : options.variant;
  const bool derived = op.op == DeploymentOp::kSptq || op.op == DeploymentOp::kPrune;  // made from fp32 here
  if (!derived && recorded_variant(record, variant) == nullptr) {
    std::printf("accuracy   n/a: the surrogate of '%s' has no %s variant\n", zoo_name.c_str(), variant.c_str());
    return Status::Ok();
  }
  std::printf("accuracy   measured by edgerun on the trained surrogate, not on the full-size model:\n");
  std::printf("           %s, %s test split\n", record.architecture.c_str(), data::task_name(record.task));
  if (op.op == DeploymentOp::kIdentity) {
    ASSIGN_OR_RETURN(Evaluated e, evaluate_variant(record, variant, options));
    print_metrics(e, recorded_variant(record, variant), nullptr);
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(Evaluated reference, evaluate_variant(record, "fp32", options));
  print_metrics(reference, recorded_variant(record, "fp32"), nullptr);
  if (op.op == DeploymentOp::kPrune) {
    if (recorded_variant(record, "pruned") != nullptr) {
      ASSIGN_OR_RETURN(Evaluated trained, evaluate_variant(record, "pruned", options));
      trained.label = "pruned (trained with gradual pruning, the white-box study's variant)";
      print_metrics(trained, recorded_variant(record, "pruned"), &reference);
    }
    ASSIGN_OR_RETURN(Evaluated one_shot, evaluate_one_shot_pruning(record, options, op));
    print_metrics(one_shot, nullptr, &reference);
    return Status::Ok();
  }
  Result<Evaluated> e = op.op == DeploymentOp::kSptq ? evaluate_sptq(record, options, op)
                                                     : evaluate_variant(record, "qat", options);
  if (!e.ok()) return e.status();
  print_metrics(*e, op.op == DeploymentOp::kQat ? recorded_variant(record, "qat") : nullptr, &reference);
  return Status::Ok();
}

}  // namespace edgerun
