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

  Result<Tensor> labels(int64_t begin, int64_t count) const override {
    std::vector<int64_t> l(images_.labels.begin() + begin, images_.labels.begin() + begin + count);
    return Tensor::from_vector<int64_t>({count}, l);
  }

  std::vector<Metric> metrics_of_counts(const std::vector<int64_t>& counts) const override {
    const TopKAccuracy accuracy(std::vector<int64_t>(counts.begin(), counts.begin() + kTopK), counts[kTopK]);
    return {{"top1", accuracy.percent(1)}, {"top5", accuracy.percent(5)}};
  }

 protected:
  // Counts: samples whose label ranked r (r < 5), then all samples.
  size_t counts_size() const override { return kTopK + 1; }
  Status check_output(const Tensor& output) const override {
    return expect_output(output, {output.rank() > 0 ? output.dim(0) : 0, kFashionMnistClasses});
  }
  Status add_sample(const Tensor& output, int64_t row, int64_t sample, int64_t* counts) const override {
    const int64_t label = images_.labels[static_cast<size_t>(sample)];
    if (label >= kFashionMnistClasses) return label_out_of_range(sample, label, kFashionMnistClasses);
    const int64_t rank = rank_of_label(output.data<float>() + row * kFashionMnistClasses, kFashionMnistClasses, label);
    if (rank < static_cast<int64_t>(kTopK)) ++counts[rank];
    ++counts[kTopK];
    return Status::Ok();
  }

 private:
  static constexpr size_t kTopK = 5;
  LabelledImages images_;
};

}  // namespace

std::unique_ptr<TaskEvaluator> make_classification_evaluator(LabelledImages images) {
  return std::make_unique<ClassificationEvaluator>(std::move(images));
}

}  // namespace edgerun::data
