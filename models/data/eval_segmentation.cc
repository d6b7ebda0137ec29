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

  Status score(const Tensor& output, int64_t begin, int64_t count) override {
    const int64_t rows = output.rank() > 0 ? output.dim(0) : 0;
    RETURN_IF_ERROR(expect_output(output, {rows, kFashionScenesClasses, scenes_.height, scenes_.width}));
    if (rows < count) return internal_error("fewer output rows than samples");
    const int64_t pixels = scenes_.height * scenes_.width;
    for (int64_t i = 0; i < count; ++i) {
      const float* logits = output.data<float>() + i * kFashionScenesClasses * pixels;
      const uint8_t* labels = scenes_.labels.data() + (begin + i) * pixels;
      for (int64_t p = 0; p < pixels; ++p) confusion_.add(labels[p], argmax(logits + p, kFashionScenesClasses, pixels));
    }
    return Status::Ok();
  }

  std::vector<Metric> metrics() const override {
    return {{"miou", confusion_.miou_percent()}, {"pixel_accuracy", confusion_.pixel_accuracy_percent()}};
  }

 private:
  LabelledScenes scenes_;
  ConfusionMatrix confusion_{kFashionScenesClasses};
};

}  // namespace

std::unique_ptr<TaskEvaluator> make_segmentation_evaluator(LabelledScenes scenes) {
  return std::make_unique<SegmentationEvaluator>(std::move(scenes));
}

}  // namespace edgerun::data
