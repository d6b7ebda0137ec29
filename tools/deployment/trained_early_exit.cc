#include "tools/deployment/trained_early_exit.h"

#include <algorithm>
#include <filesystem>

#include "graph/onnx/onnx_importer.h"
#include "operators/early_exit/exit_points.h"
#include "operators/sptq/calibration_data.h"
#include "tools/deployment/early_exit_latency.h"

namespace edgerun {

namespace {

constexpr int64_t kBatch = 64;
constexpr int64_t kMaxPixelRows = 65536;  // segmentation: pixel rows a head is fitted on, about

struct Rows {
  std::vector<std::vector<NamedTensor>> batches;
  std::vector<Tensor> labels;
};

Result<Rows> task_rows(const data::TaskEvaluator& task, int64_t begin, int64_t end, bool with_labels) {
  Rows rows;
  for (int64_t b = begin; b < end; b += kBatch) {
    const int64_t count = std::min(kBatch, end - b);
    ASSIGN_OR_RETURN(std::vector<NamedTensor> inputs, task.inputs(b, count, count));
    rows.batches.push_back(std::move(inputs));
    if (with_labels) {
      ASSIGN_OR_RETURN(Tensor labels, task.labels(b, count));
      rows.labels.push_back(std::move(labels));
    }
  }
  return rows;
}

// Exit scores and per-sample metric counts of the calibration rows, for the threshold search.
struct CalibrationTable {
  std::vector<std::vector<float>> scores;               // [exit][sample]
  std::vector<std::vector<std::vector<int64_t>>> counts;  // [exit or final][sample]
};

Result<CalibrationTable> calibration_table(const early_exit::MultiExitModel& multi, const data::TaskEvaluator& task,
                                           const Rows& rows, int64_t first_sample, early_exit::ExitRule rule,
                                           const SessionOptions& options) {
  ASSIGN_OR_RETURN(auto outputs, early_exit::run_all_exits(multi, rows.batches, options));
  const size_t exits = multi.exit_names.size();
  CalibrationTable t;
  t.scores.resize(exits);
  t.counts.resize(exits + 1);
  int64_t sample = first_sample;
  for (const early_exit::ExitRun& batch : outputs) {
    const int64_t n = batch.outputs[0].tensor.dim(0);
    for (int64_t r = 0; r < n; ++r, ++sample) {
      for (size_t k = 0; k <= exits; ++k) {
        ASSIGN_OR_RETURN(std::vector<int64_t> c, task.sample_counts(batch.outputs[k].tensor, r, sample));
        t.counts[k].push_back(std::move(c));
        if (k == exits) continue;
        const Tensor& scored = batch.scored[k];
        const int64_t per_sample = scored.num_elements() / n, classes = scored.dim(1);
        t.scores[k].push_back(
            early_exit::exit_score(scored.data<float>() + r * per_sample, classes, per_sample / classes, rule));
      }
    }
  }
  return t;
}

}  // namespace

Result<TrainedEarlyExit> trained_early_exit(const data::TrainedRecord& record, const OperatorOptions& op, int threads) {
  const EarlyExitOptions& ee = op.early_exit;
  ASSIGN_OR_RETURN(const std::string path, record.model_path("fp32"));
  ASSIGN_OR_RETURN(Graph fp32, onnx::import_model_file(path));
  const std::string vocab = (std::filesystem::path(path).parent_path() / "vocab.txt").string();
  const bool quantize = op.pipeline.quantizes();  // QEE (qat is rejected with early_exit)
  TrainedEarlyExit result;
  if (ee.mode == EarlyExitMode::kStatic) {
    ASSIGN_OR_RETURN(early_exit::StaticSkip skip, early_exit::apply_static_skip(fp32));
    std::string skipped;
    for (const std::string& b : skip.skipped_blocks) skipped += (skipped.empty() ? "" : ", ") + b;
    result.summary = "static: skipped " + skipped + "; " + skip.kept_output + " feeds the head";
    if (quantize) {
      ASSIGN_OR_RETURN(fp32, quantize_surrogate(fp32, record, op));
      result.summary += "; then sptq";
    }
    result.graph = std::move(fp32);
    return result;
  }

  sptq::CalibrationRequest data_request;
  data_request.task = record.task;
  data_request.vocab_path = vocab;
  data_request.samples = ee.fit_rows + ee.calib_rows;
  ASSIGN_OR_RETURN(std::unique_ptr<data::TaskEvaluator> task, sptq::calibration_task_data(record.task, data_request));
  RETURN_IF_ERROR(task->check_model(fp32));
  const int64_t total = std::min(task->size(), ee.fit_rows + ee.calib_rows);
  const int64_t fit_end = total * ee.fit_rows / (ee.fit_rows + ee.calib_rows);
  if (fit_end < 1 || fit_end >= total)
    return invalid_argument("early exit needs train rows both to fit heads and to choose thresholds");

  ASSIGN_OR_RETURN(std::vector<early_exit::Block> points, early_exit_points(fp32, ee));
  ASSIGN_OR_RETURN(Rows fit_rows, task_rows(*task, 0, fit_end, ee.labels));
  early_exit::HeadTraining training;
  training.batches = std::move(fit_rows.batches);
  training.labels = std::move(fit_rows.labels);
  training.fit.threads = threads;
  training.pixels_per_sample = std::max<int64_t>(4, kMaxPixelRows / fit_end);
  training.session.threads = threads;
  ASSIGN_OR_RETURN(early_exit::MultiExitModel multi, early_exit::attach_exit_heads(fp32, points, training));
  result.summary = std::string("dynamic: ") + early_exit::head_kind_name(multi.kind) + " heads fitted on " +
                   std::to_string(fit_end) + " train rows (" + (ee.labels ? "labels" : "self-distillation") + ")";
  if (quantize) {
    ASSIGN_OR_RETURN(multi.graph, quantize_surrogate(multi.graph, record, op));
    result.summary += "; then sptq";
  }
  ASSIGN_OR_RETURN(Rows calib_rows, task_rows(*task, fit_end, total, false));
  ASSIGN_OR_RETURN(CalibrationTable table,
                   calibration_table(multi, *task, calib_rows, fit_end, ee.rule, training.session));
  early_exit::ThresholdSearch search;
  search.rule = ee.rule;
  search.scores = table.scores;
  search.max_drop_points = ee.max_drop;
  search.metric = [&](const std::vector<int>& assignment) {
    std::vector<int64_t> sum;
    for (size_t i = 0; i < assignment.size(); ++i) {
      const std::vector<int64_t>& c = table.counts[static_cast<size_t>(assignment[i])][i];
      if (sum.empty()) sum.assign(c.size(), 0);
      for (size_t j = 0; j < c.size(); ++j) sum[j] += c[j];
    }
    return task->metrics_of(sum).at(0).percent;
  };
  ASSIGN_OR_RETURN(result.choice, early_exit::choose_thresholds(search));
  result.summary += "; thresholds (" + std::string(early_exit::exit_rule_name(ee.rule)) + ") chosen on " +
                    std::to_string(total - fit_end) + " further train rows for a drop <= " +
                    std::to_string(ee.max_drop).substr(0, 4) + " points";
  ASSIGN_OR_RETURN(result.graph, early_exit::arm_exits(multi, result.choice.thresholds, ee.rule));
  result.exit_names = multi.exit_names;
  result.fits = multi.fits;
  return result;
}

}  // namespace edgerun
