// fashion-scenes segmentation: input "input" float32 [N, 1, H, W] = pixel / 255, output logits
// [N, 11, H, W]; the prediction is the per-pixel argmax; mIoU over one confusion matrix of all pixels.
#include "models/data/eval_task.h"
#include "models/data/metrics.h"

namespace edgerun::data {

namespace {

class SegmentationEvaluator : public TaskEvaluator {
 public:
  explicit SegmentationEvaluator(LabelledScenes scenes) : scenes_(std::move(scenes)) {}

  int64_t size() const override { return scenes_.count; }

  Status check_model(const Graph& graph) override {
    return expect_image_input(graph, scenes_.height, scenes_.width);
  }

  Result<std::vector<NamedTensor>> inputs(int64_t begin, int64_t count, int64_t rows) const override {
    return image_input_batch(scenes_.pixels, scenes_.height, scenes_.width, begin, count, rows);
  }

  Result<Tensor> labels(int64_t begin, int64_t count) const override {
    const int64_t pixels = scenes_.height * scenes_.width;
    std::vector<int64_t> l(scenes_.labels.begin() + begin * pixels, scenes_.labels.begin() + (begin + count) * pixels);
    return Tensor::from_vector<int64_t>({count, scenes_.height, scenes_.width}, l);
  }

  std::vector<Metric> metrics_of_counts(const std::vector<int64_t>& counts) const override {
    const ConfusionMatrix confusion(kFashionScenesClasses, counts);
    return {{"miou", confusion.miou_percent()}, {"pixel_accuracy", confusion.pixel_accuracy_percent()}};
  }

 protected:
  // Counts: the confusion matrix of the sample's pixels, labels by predictions.
  size_t counts_size() const override { return kFashionScenesClasses * kFashionScenesClasses; }
  Status check_output(const Tensor& output) const override {
    return expect_output(output,
                         {output.rank() > 0 ? output.dim(0) : 0, kFashionScenesClasses, scenes_.height, scenes_.width});
  }
  Status add_sample(const Tensor& output, int64_t row, int64_t sample, int64_t* counts) const override {
    const int64_t pixels = scenes_.height * scenes_.width;
    const float* logits = output.data<float>() + row * kFashionScenesClasses * pixels;
    const uint8_t* labels = scenes_.labels.data() + sample * pixels;
    for (int64_t p = 0; p < pixels; ++p) {
      if (labels[p] >= kFashionScenesClasses) return label_out_of_range(sample, labels[p], kFashionScenesClasses);
    }
    for (int64_t p = 0; p < pixels; ++p)
      ++counts[labels[p] * kFashionScenesClasses + argmax(logits + p, kFashionScenesClasses, pixels)];
    return Status::Ok();
  }

 private:
  LabelledScenes scenes_;
};

}  // namespace

std::unique_ptr<TaskEvaluator> make_segmentation_evaluator(LabelledScenes scenes) {
  return std::make_unique<SegmentationEvaluator>(std::move(scenes));
}

}  // namespace edgerun::data
