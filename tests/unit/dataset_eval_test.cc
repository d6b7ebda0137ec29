// Native evaluation end to end on the fixture models (tests/data/eval, made by
// models/tools/make_eval_fixtures.py): edgerun's metrics must equal those PyTorch + NumPy computed for
// the same models and data, for any batch size (partial last batches included); models that do not fit
// the task and broken data must give errors.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "models/data/evaluate.h"

namespace edgerun::data {
namespace {

const std::string kDir = std::string(EDGERUN_TEST_DATA_DIR) + "/eval/";

nlohmann::json expected() {
  std::ifstream in(kDir + "expected.json");
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

EvalRequest request(const std::string& model, Task task, const std::string& data, int64_t batch) {
  EvalRequest r;
  r.model_path = kDir + model;
  r.task = task;
  r.data_path = data;
  r.batch = batch;
  return r;
}

void check_metrics(const EvalRequest& req, const nlohmann::json& want) {
  CAPTURE(req.model_path);
  CAPTURE(req.batch);
  Result<EvalResult> r = evaluate(req);
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  REQUIRE(!r->metrics.empty());
  CHECK(r->metrics[0].name == primary_metric(req.task));
  for (const Metric& m : r->metrics) {
    CAPTURE(m.name);
    REQUIRE(want.contains(m.name));
    // Same model, same data: any difference is a flipped prediction, and there should be none.
    CHECK(m.percent == doctest::Approx(want[m.name].get<double>()).epsilon(1e-9));
  }
}

TEST_CASE("eval: classifier on the first Fashion-MNIST test images equals PyTorch") {
  const nlohmann::json want = expected()["classifier"];
  for (int64_t batch : {64, 7, 1000, 4096}) {
    EvalRequest req = request("classifier.onnx", Task::kFashionMnist, "", batch);
    req.limit = want["limit"].get<int64_t>();
    check_metrics(req, want);
  }
}

TEST_CASE("eval: a fixed batch size pads the last batch and leaves the padding out") {
  const nlohmann::json want = expected()["classifier"];
  for (int64_t batch : {64, 1}) {  // the requested batch gives way to the model's 3
    EvalRequest req = request("classifier_batch3.onnx", Task::kFashionMnist, "", batch);
    req.limit = want["limit"].get<int64_t>();
    check_metrics(req, want);
  }
}

TEST_CASE("eval: segmenter on the fixture scenes equals PyTorch") {
  const nlohmann::json want = expected()["segmenter"];
  for (int64_t batch : {5, 12, 1})
    check_metrics(request("segmenter.onnx", Task::kFashionScenes, kDir + "scenes", batch), want);
}

TEST_CASE("eval: text pair models (with and without token_type_ids) equal PyTorch") {
  const nlohmann::json want = expected();
  for (int64_t batch : {3, 16, 32}) {
    check_metrics(request("text_bert.onnx", Task::kManpagePairs, kDir + "pairs.tsv", batch), want["text_bert"]);
    check_metrics(request("text_roberta.onnx", Task::kManpagePairs, kDir + "pairs.tsv", batch), want["text_roberta"]);
  }
}

TEST_CASE("eval: --limit counts samples") {
  EvalRequest req = request("segmenter.onnx", Task::kFashionScenes, kDir + "scenes", 4);
  req.limit = 5;
  Result<EvalResult> r = evaluate(req);
  REQUIRE(r.ok());
  CHECK(r->samples == 5);
  CHECK(r->split_samples == 12);
  req.limit = 100;
  r = evaluate(req);
  REQUIRE(r.ok());
  CHECK(r->samples == 12);
}

void check_error(const EvalRequest& req, const std::string& fragment) {
  Result<EvalResult> r = evaluate(req);
  CAPTURE(r.status().to_string());
  CHECK(!r.ok());
  CHECK(r.status().message().find(fragment) != std::string::npos);
}

TEST_CASE("eval: models that do not fit the task, and bad data") {
  check_error(request("classifier.onnx", Task::kFashionScenes, kDir + "scenes", 4), "has shape");
  check_error(request("text_bert.onnx", Task::kFashionMnist, "", 4), "input 'input_ids' this task does not feed");
  check_error(request("classifier.onnx", Task::kManpagePairs, kDir + "pairs.tsv", 4), "does not feed");
  EvalRequest no_vocab = request("text_bert.onnx", Task::kManpagePairs, kDir + "pairs.tsv", 4);
  no_vocab.vocab_path = kDir + "missing_vocab.txt";
  check_error(no_vocab, "missing_vocab.txt");
  check_error(request("classifier.onnx", Task::kFashionMnist, kDir, 4), "t10k-images");
  check_error(request("missing.onnx", Task::kFashionMnist, "", 4), "missing.onnx");
  check_error(request("classifier.onnx", Task::kFashionMnist, "", 0), "batch");
}

TEST_CASE("eval: an output that does not fit the task is refused") {
  // The segmenter leaves H and W symbolic, so it takes 28x28 Fashion-MNIST images, but its output is
  // [N, 11, 28, 28], not [N, 10].
  check_error(request("segmenter.onnx", Task::kFashionMnist, "", 4), "the task expects float32 [4,10]");
}

TEST_CASE("eval: data paths are recognised by what they hold") {
  CHECK(detect_task(kDir + "scenes").value() == Task::kFashionScenes);
  CHECK(detect_task(kDir + "pairs.tsv").value() == Task::kManpagePairs);
  CHECK(detect_task(kFashionMnistDir).value() == Task::kFashionMnist);
  CHECK(!detect_task(kDir).ok());
  CHECK(!detect_task(kDir + "vocab.txt").ok());
  CHECK(!detect_task("/nonexistent").ok());
  CHECK(parse_task("manpage-pairs").value() == Task::kManpagePairs);
  CHECK(!parse_task("imagenet").ok());
}

}  // namespace
}  // namespace edgerun::data
