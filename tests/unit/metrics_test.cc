// Metrics against hand-computed cases and against NumPy's values for random cases
// (tests/data/eval/metric_cases.json, made by models/tools/make_eval_fixtures.py).
#include "models/data/metrics.h"

#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

namespace edgerun::data {
namespace {

TEST_CASE("metrics: argmax takes the first maximum and honours the stride") {
  const std::vector<float> v{1, 5, 5, 2};
  CHECK(argmax(v.data(), 4) == 1);
  // Two interleaved rows [1, 5] and [5, 2] read with stride 2: column 0 is {1, 5}.
  CHECK(argmax(v.data(), 2, 2) == 1);
  CHECK(argmax(v.data() + 1, 2, 2) == 0);
}

TEST_CASE("metrics: top-k by hand") {
  TopKAccuracy acc(5);
  const std::vector<float> a{0.1f, 0.9f, 0.3f, 0.2f, 0.0f, -1.f, -2.f};  // label 1: rank 0
  const std::vector<float> b{0.5f, 0.4f, 0.3f, 0.2f, 0.1f, 0.0f, 0.7f};  // label 5: rank 6
  const std::vector<float> c{0.5f, 0.4f, 0.3f, 0.2f, 0.1f, 0.0f, 0.7f};  // label 3: rank 4
  acc.add(a.data(), 7, 1);
  acc.add(b.data(), 7, 5);
  acc.add(c.data(), 7, 3);
  CHECK(acc.count() == 3);
  CHECK(acc.percent(1) == doctest::Approx(100.0 / 3));
  CHECK(acc.percent(4) == doctest::Approx(100.0 / 3));
  CHECK(acc.percent(5) == doctest::Approx(200.0 / 3));
  CHECK(TopKAccuracy(5).percent(1) == 0.0);
}

TEST_CASE("metrics: ties rank the lower index first") {
  const std::vector<float> tied{1, 3, 3, 3};
  CHECK(rank_of_label(tied.data(), 4, 1) == 0);
  CHECK(rank_of_label(tied.data(), 4, 3) == 2);
  CHECK(rank_of_label(tied.data(), 4, 0) == 3);
}

TEST_CASE("metrics: mIoU by hand, absent classes left out") {
  // 4 classes, class 3 never labelled nor predicted.
  // labels      0 0 0 1 1 2
  // predictions 0 0 1 1 2 2
  ConfusionMatrix cm(4);
  const int labels[] = {0, 0, 0, 1, 1, 2};
  const int preds[] = {0, 0, 1, 1, 2, 2};
  for (int i = 0; i < 6; ++i) cm.add(labels[i], preds[i]);
  // IoU0 = 2 / (2 + 0 + 1), IoU1 = 1 / (1 + 1 + 1), IoU2 = 1 / (1 + 1 + 0).
  CHECK(cm.iou_percent(0) == doctest::Approx(200.0 / 3));
  CHECK(cm.iou_percent(1) == doctest::Approx(100.0 / 3));
  CHECK(cm.iou_percent(2) == doctest::Approx(50.0));
  CHECK(cm.iou_percent(3) == -1.0);
  CHECK(cm.miou_percent() == doctest::Approx((200.0 / 3 + 100.0 / 3 + 50.0) / 3));
  CHECK(cm.pixel_accuracy_percent() == doctest::Approx(400.0 / 6));
  CHECK(ConfusionMatrix(3).miou_percent() == 0.0);
}

TEST_CASE("metrics: a class only predicted counts with IoU 0") {
  ConfusionMatrix cm(3);
  cm.add(0, 0);
  cm.add(0, 2);
  // IoU0 = 1/2, IoU2 = 0 / (0 + 1 + 0) = 0, class 1 absent.
  CHECK(cm.miou_percent() == doctest::Approx(25.0));
}

TEST_CASE("metrics: F1 of class 1 by hand") {
  BinaryF1 f1;
  // TP 2, FP 1, FN 1, TN 1: F1 = 4 / (4 + 1 + 1), accuracy 3/5.
  const int labels[] = {1, 1, 0, 1, 0};
  const int preds[] = {1, 1, 1, 0, 0};
  for (int i = 0; i < 5; ++i) f1.add(labels[i], preds[i]);
  CHECK(f1.f1_percent() == doctest::Approx(400.0 / 6));
  CHECK(f1.accuracy_percent() == doctest::Approx(60.0));
  BinaryF1 negatives;
  negatives.add(0, 0);
  CHECK(negatives.f1_percent() == 0.0);
  CHECK(negatives.accuracy_percent() == 100.0);
}

TEST_CASE("metrics: random cases agree with NumPy") {
  std::ifstream in(std::string(EDGERUN_TEST_DATA_DIR) + "/eval/metric_cases.json");
  REQUIRE(in.good());
  const nlohmann::json cases = nlohmann::json::parse(in);
  int checked = 0;
  for (const auto& c : cases) {
    const std::string kind = c["kind"];
    CAPTURE(kind);
    const std::vector<int64_t> labels = c["labels"].get<std::vector<int64_t>>();
    if (kind == "topk") {
      const auto logits = c["logits"].get<std::vector<float>>();
      const int64_t classes = c["classes"];
      TopKAccuracy acc(5);
      for (size_t i = 0; i < labels.size(); ++i) acc.add(logits.data() + i * classes, classes, labels[i]);
      CHECK(acc.percent(1) == doctest::Approx(c["top1"].get<double>()).epsilon(1e-12));
      CHECK(acc.percent(5) == doctest::Approx(c["top5"].get<double>()).epsilon(1e-12));
    } else if (kind == "miou") {
      const auto preds = c["predictions"].get<std::vector<int64_t>>();
      ConfusionMatrix cm(c["classes"].get<int64_t>());
      for (size_t i = 0; i < labels.size(); ++i) cm.add(labels[i], preds[i]);
      CHECK(cm.miou_percent() == doctest::Approx(c["miou"].get<double>()).epsilon(1e-12));
      const auto ious = c["iou"].get<std::vector<double>>();
      for (size_t k = 0; k < ious.size(); ++k)
        CHECK(cm.iou_percent(static_cast<int64_t>(k)) == doctest::Approx(ious[k]));
    } else {
      const auto preds = c["predictions"].get<std::vector<int64_t>>();
      BinaryF1 f1;
      for (size_t i = 0; i < labels.size(); ++i) f1.add(labels[i], preds[i]);
      CHECK(f1.f1_percent() == doctest::Approx(c["f1"].get<double>()).epsilon(1e-12));
      CHECK(f1.accuracy_percent() == doctest::Approx(c["accuracy"].get<double>()).epsilon(1e-12));
    }
    ++checked;
  }
  CHECK(checked == 8);
}

}  // namespace
}  // namespace edgerun::data
