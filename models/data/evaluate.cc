#include "models/data/evaluate.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "engine/session.h"

namespace edgerun::data {

namespace {

constexpr int64_t kDefaultSequenceLength = 128;

Result<std::unique_ptr<TaskEvaluator>> load_task_at(const EvalRequest& request, const std::string& data_path) {
  switch (request.task) {
    case Task::kFashionMnist: {
      ASSIGN_OR_RETURN(LabelledImages images, load_fashion_mnist(data_path));
      return make_classification_evaluator(std::move(images));
    }
    case Task::kFashionScenes: {
      ASSIGN_OR_RETURN(LabelledScenes scenes, load_fashion_scenes(data_path));
      return make_segmentation_evaluator(std::move(scenes));
    }
    case Task::kManpagePairs: {
      const std::string vocab_path =
          !request.vocab_path.empty()
              ? request.vocab_path
              : (std::filesystem::path(request.model_path).parent_path() / "vocab.txt").string();
      ASSIGN_OR_RETURN(Vocab vocab, Vocab::load(vocab_path));
      ASSIGN_OR_RETURN(std::vector<TextPair> pairs, load_manpage_pairs(data_path));
      return make_text_evaluator(std::move(pairs), std::move(vocab), kDefaultSequenceLength);
    }
  }
  return internal_error("unknown task");
}

// The batch dim of the model's first input: a symbol (bound to the requested batch) or a fixed size
// (then every batch has exactly that many rows, the last one padded).
struct BatchDim {
  std::string symbol;
  int64_t fixed = -1;
};

Result<BatchDim> batch_dim(const Graph& graph) {
  BatchDim dim;
  for (ValueId id : graph.inputs) {
    const Value& v = graph.value(id);
    if (!v.has_shape || v.shape.empty()) continue;
    const SymDim& d = v.shape[0];
    if (d.known()) {
      if (dim.fixed >= 0 && dim.fixed != d.size)
        return invalid_argument("the model's inputs disagree on the batch size");
      dim.fixed = d.size;
    } else if (!d.symbol.empty()) {
      dim.symbol = d.symbol;
    }
  }
  if (dim.fixed == 0) return invalid_argument("the model declares a batch size of 0");
  return dim;
}

// The output named "logits", else the only output.
Result<const Tensor*> logits_output(const std::vector<NamedTensor>& outputs) {
  for (const NamedTensor& o : outputs) {
    if (o.name == "logits") return &o.tensor;
  }
  if (outputs.size() == 1) return &outputs[0].tensor;
  return invalid_argument("the model has " + std::to_string(outputs.size()) + " outputs and none is named 'logits'");
}

}  // namespace

Result<std::unique_ptr<TaskEvaluator>> load_task_evaluator(const EvalRequest& request) {
  return load_task_at(request, request.data_path.empty() ? default_data_path(request.task) : request.data_path);
}

Result<EvalResult> evaluate(const EvalRequest& request) {
  if (request.batch < 1) return invalid_argument("batch must be at least 1, got " + std::to_string(request.batch));
  if (request.limit < 0) return invalid_argument("limit must not be negative, got " + std::to_string(request.limit));
  ASSIGN_OR_RETURN(std::unique_ptr<TaskEvaluator> task, load_task_evaluator(request));

  // Load once to learn the batch dim, then bind it.
  std::unique_ptr<Session> probe;
  if (request.graph) {
    ASSIGN_OR_RETURN(probe, Session::from_graph(*request.graph));
  } else {
    ASSIGN_OR_RETURN(probe, Session::load_file(request.model_path));
  }
  RETURN_IF_ERROR(task->check_model(probe->graph()).with_context("'" + request.model_path + "'"));
  ASSIGN_OR_RETURN(BatchDim dim, batch_dim(probe->graph()));
  const int64_t rows = dim.fixed > 0 ? dim.fixed : request.batch;
  SessionOptions options;
  options.threads = request.threads;
  if (!dim.symbol.empty()) options.dim_bindings[dim.symbol] = rows;
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::from_graph(probe->graph(), options));
  probe.reset();

  const int64_t total = request.limit > 0 ? std::min(request.limit, task->size()) : task->size();
  const auto start = std::chrono::steady_clock::now();
  std::vector<double> sample_scores;
  for (int64_t begin = 0; begin < total; begin += rows) {
    const int64_t count = std::min(rows, total - begin);
    // A symbolic batch shrinks for the last partial batch (the session compiles a plan for it);
    // a fixed one is padded with zero samples that are not scored.
    ASSIGN_OR_RETURN(std::vector<NamedTensor> inputs, task->inputs(begin, count, dim.fixed > 0 ? rows : count));
    std::vector<NamedTensor> outputs;
    RETURN_IF_ERROR(session->run(inputs, &outputs).with_context("'" + request.model_path + "'"));
    ASSIGN_OR_RETURN(const Tensor* logits, logits_output(outputs));
    RETURN_IF_ERROR(task->score(*logits, begin, count).with_context("'" + request.model_path + "'"));
    for (int64_t row = 0; request.sample_scores && row < count; ++row) {
      ASSIGN_OR_RETURN(std::vector<int64_t> counts, task->sample_counts(*logits, row, begin + row));
      sample_scores.push_back(sample_score(*task, counts));
    }
    if (request.progress) request.progress(begin + count, total);
  }
  EvalResult result;
  result.task = request.task;
  result.samples = total;
  result.split_samples = task->size();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.metrics = task->metrics();
  result.sample_scores = std::move(sample_scores);
  return result;
}

double sample_score(const TaskEvaluator& task, const std::vector<int64_t>& counts) {
  const std::vector<Metric> metrics = task.metrics_of(counts);
  for (const Metric& m : metrics) {
    if (m.name == "accuracy") return m.percent;
  }
  return metrics.at(0).percent;
}

}  // namespace edgerun::data
