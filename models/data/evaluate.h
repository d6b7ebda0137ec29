// Native evaluation: runs a model over a task's test data in batches through edgerun::Session and
// computes the task's metrics (see metrics.h). Used by `edgerun eval` and the eval-vs-PyTorch test.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/status.h"
#include "models/data/eval_task.h"
#include "models/data/task.h"

namespace edgerun::data {

struct EvalRequest {
  std::string model_path;  // ONNX file (names the model in messages and finds vocab.txt when `graph` is set)
  std::optional<Graph> graph;  // the model itself, when it is not read from model_path (a transformed graph)
  Task task = Task::kFashionMnist;
  std::string data_path;   // empty: default_data_path(task)
  std::string vocab_path;  // text tasks; empty: vocab.txt next to the model
  int64_t batch = 32;
  int64_t limit = 0;  // evaluate the first `limit` samples only; 0: all
  int threads = 1;
  // Also score every sample on its own (EvalResult::sample_scores), for paired tests between models.
  bool sample_scores = false;
  // Called after each batch with the samples done and the total (a progress display); may be empty.
  std::function<void(int64_t done, int64_t total)> progress;
};

struct EvalResult {
  Task task = Task::kFashionMnist;
  int64_t samples = 0;          // evaluated
  int64_t split_samples = 0;    // in the split (more than `samples` under a limit)
  double seconds = 0.0;         // data preparation, inference and scoring, after the model is loaded
  std::vector<Metric> metrics;  // the primary metric first
  // With EvalRequest::sample_scores: sample_score of each evaluated sample, in test-set order.
  std::vector<double> sample_scores;
};

// One sample's score, from its sample_counts: its "accuracy" metric where the task has one (text: 0 or
// 100; F1 is not defined per sample), else the primary metric (top-1: 0 or 100; segmentation: the
// image's own mIoU). Paired tests (Wilcoxon) compare two models on these.
double sample_score(const TaskEvaluator& task, const std::vector<int64_t>& counts);

Result<EvalResult> evaluate(const EvalRequest& request);

// The task evaluator of request.task over its test data (request.data_path, else the default).
Result<std::unique_ptr<TaskEvaluator>> load_task_evaluator(const EvalRequest& request);

}  // namespace edgerun::data
