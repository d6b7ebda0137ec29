// Fashion-MNIST classification: input "input" float32 [N, 1, H, W] = pixel / 255, output logits [N, 10];
// top-1 and top-5 accuracy.

#include "models/data/eval_task.h"
#include "models/data/metrics.h"

namespace edgerun::data {

namespace {

class ClassificationEvaluator : public TaskEvaluator {
 public:
  explicit ClassificationEvaluator(LabelledImages images) : images_(std::move(images)) {}

  int64_t size() const override { return images_.count; }

  Status check_model(const Graph& graph) override {
    return expect_image_input(graph, images_.height, images_.width);
  }

  Result<std::vector<NamedTensor>> inputs(int64_t begin, int64_t count, int64_t rows) const override {
    return image_input_batch(images_.pixels, images_.height, images_.width, begin, count, rows);
  }

  Status score(const Tensor& output, int64_t begin, int64_t count) override {
    const int64_t rows = output.rank() > 0 ? output.dim(0) : 0;
    RETURN_IF_ERROR(expect_output(output, {rows, kFashionMnistClasses}));
    if (rows < count) return internal_error("fewer output rows than samples");
    const float* logits = output.data<float>();
    for (int64_t i = 0; i < count; ++i) {
      accuracy_.add(logits + i * kFashionMnistClasses, kFashionMnistClasses,
                    images_.labels[static_cast<size_t>(begin + i)]);
    }
    return Status::Ok();
  }

  std::vector<Metric> metrics() const override {
    return {{"top1", accuracy_.percent(1)}, {"top5", accuracy_.percent(5)}};
  }

 private:
  LabelledImages images_;
  TopKAccuracy accuracy_{5};
};

}  // namespace

std::unique_ptr<TaskEvaluator> make_classification_evaluator(LabelledImages images) {
  return std::make_unique<ClassificationEvaluator>(std::move(images));
}

}  // namespace edgerun::data
