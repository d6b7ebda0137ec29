#include "tools/bench_engine/surrogate_accuracy.h"

#include <cstdio>
#include <filesystem>
#include <optional>
#include <vector>

#include "graph/onnx/onnx_importer.h"
#include "models/data/evaluate.h"
#include "tools/common/progress.h"
#include "models/data/trained_record.h"
#include "operators/prune/prune.h"
#include "tools/deployment/distill.h"

namespace edgerun {

namespace {

// The surrogate at one point of the pipeline.
struct Stage {
  std::string description;  // "fp32", "pruned (...)", "fp32 pruned one-shot, ..., quantized by sptq (...)"
  Graph graph;
  const data::VariantRecord* recorded = nullptr;  // PyTorch's metrics, for a variant as trained
};

struct Evaluated {
  std::string label;
  data::EvalResult result;
};

const data::VariantRecord* recorded_variant(const data::TrainedRecord& record, const std::string& variant) {
  const auto it = record.variants.find(variant);
  return it == record.variants.end() ? nullptr : &it->second;
}

Result<Stage> variant_stage(const data::TrainedRecord& record, const std::string& variant, std::string description) {
  ASSIGN_OR_RETURN(const std::string path, record.model_path(variant));
  ASSIGN_OR_RETURN(Graph graph, onnx::import_model_file(path));
  return Stage{std::move(description), std::move(graph), recorded_variant(record, variant)};
}

// `stage` on the test split, labelled "STEPS: description" (just the description when `steps` is empty).
Result<Evaluated> evaluate_stage(const data::TrainedRecord& record, const Stage& stage, const std::string& steps,
                                 const AccuracyOptions& options) {
  data::EvalRequest request;
  ASSIGN_OR_RETURN(request.model_path, record.model_path("fp32"));  // names the model, finds vocab.txt
  request.graph = stage.graph;
  request.task = record.task;
  request.limit = options.limit;
  request.threads = options.threads;
  request.sample_scores = true;
  ProgressBar bar("accuracy", 1);  // the total is set by the first report
  request.progress = [&bar](int64_t done, int64_t total) { bar.update(done, total); };
  ASSIGN_OR_RETURN(data::EvalResult result, data::evaluate(request));
  return Evaluated{steps.empty() ? stage.description : steps + ": " + stage.description, std::move(result)};
}

void print_metrics(std::FILE* log, const Evaluated& e, const data::VariantRecord* recorded,
                   const Evaluated* reference) {
  std::fprintf(log, "           %s (%lld of %lld test samples, %.1f s)\n", e.label.c_str(),
              static_cast<long long>(e.result.samples), static_cast<long long>(e.result.split_samples),
              e.result.seconds);
  const bool full_split = e.result.samples == e.result.split_samples;
  for (size_t i = 0; i < e.result.metrics.size(); ++i) {
    const data::Metric& m = e.result.metrics[i];
    std::fprintf(log, "             %-8s %6.2f %%", m.name.c_str(), m.percent);
    if (reference != nullptr) std::fprintf(log, "   drop %+.2f points", reference->result.metrics[i].percent - m.percent);
    if (recorded != nullptr && full_split) {
      const auto torch = recorded->metrics.find(m.name);
      if (torch != recorded->metrics.end()) std::fprintf(log, "   (PyTorch recorded %.2f)", torch->second);
    }
    std::fprintf(log, "\n");
  }
}

void summarize_stage(const Evaluated& e, const Evaluated& reference, AccuracySummary* summary) {
  summary->measured = true;
  summary->note = e.label;
  summary->metric = e.result.metrics.at(0).name;
  summary->percent = e.result.metrics.at(0).percent;
  summary->drop = reference.result.metrics.at(0).percent - summary->percent;
  summary->sample_scores = e.result.sample_scores;
  summary->identity_sample_scores = reference.result.sample_scores;
}

// Evaluates and prints `stage`; the first stage after the whole pipeline (`steps` its name) is the one
// *summary takes.
Status print_stage(const data::TrainedRecord& record, const Stage& stage, const std::string& steps,
                   const AccuracyOptions& options, const Evaluated& reference, const OperatorPipeline& p,
                   AccuracySummary* summary) {
  ASSIGN_OR_RETURN(Evaluated e, evaluate_stage(record, stage, steps, options));
  print_metrics(options.log, e, stage.recorded, &reference);
  if (!summary->measured && steps == p.name()) summarize_stage(e, reference, summary);
  return Status::Ok();
}

// One-shot magnitude pruning (no fine-tuning) of `base` at the operator's settings.
Result<Stage> one_shot_pruned(const Stage& base, const OperatorOptions& op) {
  ASSIGN_OR_RETURN(prune::PruneOptions p, prune_options_for(base.graph, op));
  ASSIGN_OR_RETURN(prune::PruneResult pruned, prune::prune_graph(base.graph, p));
  char text[96];
  std::snprintf(text, sizeof text, " pruned one-shot, %s at %.1f%%, no fine-tuning",
                prune::pattern_name(p.pattern).c_str(), 100.0 * pruned.sparsity);
  return Stage{base.description + text, std::move(pruned.graph), nullptr};
}

// The surrogate of `record` (the student's with distill) after each step of `p` in turn, beside `reference`.
Status print_pipeline_stages(const data::TrainedRecord& record, const OperatorPipeline& p,
                             const AccuracyOptions& options, const OperatorOptions& op, const Evaluated& reference,
                             AccuracySummary* summary) {
  const bool distill = p.has(OperatorStep::kDistill);
  if (p.has(OperatorStep::kQat)) {  // qat combines with distill only, whose student has no qat variant
    ASSIGN_OR_RETURN(Stage qat, variant_stage(record, "qat", "the QAT-trained variant"));
    return print_stage(record, qat, p.name(), options, reference, p, summary);
  }
  ASSIGN_OR_RETURN(Stage base, variant_stage(record, "fp32", distill ? "student fp32" : "fp32"));
  if (distill) RETURN_IF_ERROR(print_stage(record, base, "distill", options, reference, p, summary));
  std::vector<Stage> stages;
  if (p.has(OperatorStep::kPrune)) {
    const std::string steps = p.only({OperatorStep::kDistill, OperatorStep::kPrune}).name();
    if (recorded_variant(record, "pruned") != nullptr) {
      ASSIGN_OR_RETURN(
          Stage trained,
          variant_stage(record, "pruned", "pruned (trained with gradual pruning, the white-box study's variant)"));
      stages.push_back(std::move(trained));
    }
    ASSIGN_OR_RETURN(Stage one_shot, one_shot_pruned(base, op));
    stages.push_back(std::move(one_shot));
    for (const Stage& s : stages) RETURN_IF_ERROR(print_stage(record, s, steps, options, reference, p, summary));
  } else {
    stages.push_back(std::move(base));
  }
  if (!p.has(OperatorStep::kSptq)) return Status::Ok();
  const std::string how = std::string(", quantized by sptq (") + sptq::calibrator_name(op.sptq.calibrator) + ", " +
                          std::to_string(op.train_rows) + " train rows)";
  for (const Stage& s : stages) {
    ASSIGN_OR_RETURN(Graph quantized, quantize_surrogate(s.graph, record, op));
    RETURN_IF_ERROR(
        print_stage(record, Stage{s.description + how, std::move(quantized), nullptr}, p.name(), options, reference,
                    p, summary));
  }
  return Status::Ok();
}

}  // namespace

Status print_surrogate_accuracy(const std::string& zoo_name, const AccuracyOptions& options,
                                const OperatorOptions& op, AccuracySummary* summary) {
  std::FILE* log = options.log;
  *summary = AccuracySummary{};
  const OperatorPipeline p = op.pipeline.without(OperatorStep::kPartition);  // the tiers change no weight
  const std::string dir = data::trained_models_dir() + "/" + zoo_name;
  if (!std::filesystem::exists(dir + "/record.json")) {
    summary->note = "no trained surrogate for '" + zoo_name + "' in models/trained/";
    std::fprintf(log, "accuracy   n/a: %s\n", summary->note.c_str());
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(data::TrainedRecord teacher, data::load_trained_record(dir));
  std::optional<data::TrainedRecord> student;
  if (p.has(OperatorStep::kDistill)) {
    if (!std::filesystem::exists(dir + "-student/record.json")) {
      summary->note = "no trained surrogate for the student '" + zoo_name + "-student' in models/trained/";
      std::fprintf(log, "accuracy   n/a: %s\n", summary->note.c_str());
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(student, student_record(zoo_name));
  }
  const data::TrainedRecord& record = student ? *student : teacher;
  const std::string variant = p.has(OperatorStep::kQat) ? "qat" : options.variant;
  if ((p.identity() || p.has(OperatorStep::kQat)) && recorded_variant(record, variant) == nullptr) {
    summary->note = "the surrogate of '" + record.zoo_name + "' has no " + variant + " variant";
    std::fprintf(log, "accuracy   n/a: %s\n", summary->note.c_str());
    return Status::Ok();
  }
  std::fprintf(log, "accuracy   measured by edgerun on the trained surrogate, not on the full-size model:\n");
  std::fprintf(log, "           %s%s, %s test split\n", student ? "teacher " : "", teacher.architecture.c_str(),
              data::task_name(teacher.task));
  if (student) std::fprintf(log, "           student %s\n", student->architecture.c_str());
  if (p.identity()) {
    ASSIGN_OR_RETURN(Stage s, variant_stage(teacher, variant, variant));
    ASSIGN_OR_RETURN(Evaluated e, evaluate_stage(teacher, s, "", options));
    print_metrics(log, e, s.recorded, nullptr);
    summarize_stage(e, e, summary);
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(Stage identity, variant_stage(teacher, "fp32", student ? "teacher fp32" : "fp32"));
  ASSIGN_OR_RETURN(Evaluated reference, evaluate_stage(teacher, identity, "identity", options));
  print_metrics(log, reference, identity.recorded, nullptr);
  return print_pipeline_stages(record, p, options, op, reference, summary);
}

}  // namespace edgerun
