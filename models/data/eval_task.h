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
  // Scores the first `count` rows of the model output for samples [begin, begin + count).
  virtual Status score(const Tensor& output, int64_t begin, int64_t count) = 0;
  virtual std::vector<Metric> metrics() const = 0;
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
