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
    RETURN_IF_ERROR(expect_input_names(graph, {"input"}));
    return expect_input(graph, "input", DType::kF32, {-1, 1, scenes_.height, scenes_.width}).status();
  }

  Result<std::vector<NamedTensor>> inputs(int64_t begin, int64_t count, int64_t rows) const override {
    const int64_t pixels = scenes_.height * scenes_.width;
    ASSIGN_OR_RETURN(Tensor t, Tensor::allocate(DType::kF32, {rows, 1, scenes_.height, scenes_.width}));
    float* out = t.data<float>();
    const uint8_t* in = scenes_.pixels.data() + begin * pixels;
    for (int64_t i = 0; i < count * pixels; ++i) out[i] = static_cast<float>(in[i]) / 255.0f;
    return std::vector<NamedTensor>{{"input", std::move(t)}};
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
