// One task's side of an evaluation: its test data, the model inputs it makes from a range of samples,
// and the metrics it accumulates from the model's output. evaluate.cc drives the batches.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/session.h"
#include "graph/graph.h"
#include "models/data/fashion_mnist.h"
#include "models/data/fashion_scenes.h"
#include "models/data/manpage_pairs.h"
#include "models/data/tokenizer.h"

namespace edgerun::data {

struct Metric {
  std::string name;  // "top1"
  double percent = 0.0;
};

class TaskEvaluator {
 public:
  virtual ~TaskEvaluator() = default;
  virtual int64_t size() const = 0;
  // Checks that the model's inputs are the ones this task feeds (names, element types, fixed dims).
  virtual Status check_model(const Graph& graph) = 0;
  // Inputs for samples [begin, begin + count), padded with zero samples to `rows` (>= count) rows.
  virtual Result<std::vector<NamedTensor>> inputs(int64_t begin, int64_t count, int64_t rows) const = 0;
  // Labels of samples [begin, begin + count) as int64: [count] (classification; text 0 / 1) or
  // [count, H, W] (segmentation, a class per pixel).
  virtual Result<Tensor> labels(int64_t begin, int64_t count) const = 0;

  // Scores the first `count` rows of the model output for samples [begin, begin + count).
  Status score(const Tensor& output, int64_t begin, int64_t count);
  std::vector<Metric> metrics() const { return metrics_of(counts_); }

  // Metrics of any subset of samples (early exit: per exit, and the thresholds tried): the counts one
  // sample's output row adds (top-k label ranks; a confusion matrix; TP, FP, FN, TN), and the metrics
  // of summed counts. The counts of samples [b, e) summed give what score() gives for them.
  Result<std::vector<int64_t>> sample_counts(const Tensor& output, int64_t row, int64_t sample) const;
  // `counts`: sums of this evaluator's sample_counts; empty is no sample.
  std::vector<Metric> metrics_of(std::vector<int64_t> counts) const;

 protected:
  virtual size_t counts_size() const = 0;
  virtual std::vector<Metric> metrics_of_counts(const std::vector<int64_t>& counts) const = 0;
  // Errors unless `output` has this task's element type and shape (any number of rows).
  virtual Status check_output(const Tensor& output) const = 0;
  // Adds row `row` of a checked output, the model's answer for sample `sample`, to counts; an error
  // (nothing added) when the sample's label is outside the task's classes.
  virtual Status add_sample(const Tensor& output, int64_t row, int64_t sample, int64_t* counts) const = 0;

 private:
  std::vector<int64_t> counts_;
};

std::unique_ptr<TaskEvaluator> make_classification_evaluator(LabelledImages images);
std::unique_ptr<TaskEvaluator> make_segmentation_evaluator(LabelledScenes scenes);
// `sequence_length` is used when the model leaves its sequence dim symbolic.
std::unique_ptr<TaskEvaluator> make_text_evaluator(std::vector<TextPair> pairs, Vocab vocab, int64_t sequence_length);

// The graph input named `name`, checked for element type, rank and the dims the task fixes
// (entry -1 in `dims` accepts anything, including a symbol: the batch dim).
Result<const Value*> expect_input(const Graph& graph, const std::string& name, DType dtype, const Shape& dims);
// Error unless the model's inputs are exactly `names`.
Status expect_input_names(const Graph& graph, const std::vector<std::string>& names);
// The error for a stored label outside [0, classes).
Status label_out_of_range(int64_t sample, int64_t label, int64_t classes);
// Error unless `output` is float32 with shape `dims`.
Status expect_output(const Tensor& output, const Shape& dims);

// The image tasks' model input: exactly one input "input", float32 [N, 1, height, width].
Status expect_image_input(const Graph& graph, int64_t height, int64_t width);
// Rows [begin, begin + count) of 8-bit images [count, height, width] as the model's "input"
// [rows, 1, height, width] = pixel / 255 (the same float32 division as PyTorch's x.float() / 255);
// rows past `count` stay zero.
Result<std::vector<NamedTensor>> image_input_batch(const std::vector<uint8_t>& pixels, int64_t height,
                                                   int64_t width, int64_t begin, int64_t count, int64_t rows);

}  // namespace edgerun::data
