// record.json of a trained folder: the fields edgerun eval reads, and records that must be refused.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "models/data/trained_record.h"

namespace edgerun::data {
namespace {

// A folder holding record.json with `text`.
std::string record_dir(const std::string& name, const std::string& text) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("edgerun_record_test_" + std::to_string(getpid()) + "_" + name);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "record.json") << text;
  return dir.string();
}

void check_error(const std::string& name, const std::string& text, const std::string& fragment) {
  Result<TrainedRecord> r = load_trained_record(record_dir(name, text));
  CAPTURE(r.status().to_string());
  CHECK(!r.ok());
  CHECK(r.status().message().find(fragment) != std::string::npos);
}

TEST_CASE("trained record: the brief's example") {
  const std::string dir =
      record_dir("ok", R"({"zoo_name": "resnet", "architecture": "WRN-16-4", "task": "fashion-mnist",
    "metric": "top1", "variants": {
      "fp32": {"file": "model.onnx", "epochs": 3, "metrics": {"top1": 91.23, "top5": 99.81},
               "subset_metrics": {"samples": 1000, "top1": 90.5, "top5": 99.9}},
      "qat": {"file": "qat.onnx", "metrics": {"top1": 90.1}},
      "pruned": {"file": "pruned.onnx", "sparsity": 0.75}}})");
  Result<TrainedRecord> r = load_trained_record(dir);
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  CHECK(r->zoo_name == "resnet");
  CHECK(r->task == Task::kFashionMnist);
  CHECK(r->metric == "top1");
  CHECK(r->teacher.empty());
  CHECK(r->variants.size() == 3);
  CHECK(r->variants.at("fp32").metrics.at("top5") == 99.81);
  CHECK(r->variants.at("fp32").subset_samples == 1000);
  CHECK(r->variants.at("fp32").subset_metrics.size() == 2);
  CHECK(r->variants.at("fp32").subset_metrics.at("top1") == 90.5);
  CHECK(r->variants.at("pruned").metrics.empty());
  CHECK(r->variants.at("pruned").subset_samples == 0);
  CHECK(r->model_path("qat").value() == dir + "/qat.onnx");
  CHECK(r->model_path("int8").status().message().find("fp32, pruned, qat") != std::string::npos);
}

TEST_CASE("trained record: a distilled student names its teacher") {
  Result<TrainedRecord> r = load_trained_record(record_dir("student", R"({"zoo_name": "resnet-student",
    "architecture": "a", "task": "fashion-mnist", "metric": "top1", "teacher": "resnet",
    "variants": {"fp32": {"file": "model.onnx"}}})"));
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  CHECK(r->teacher == "resnet");
  check_error("teacher_type",
              R"({"zoo_name": "x", "architecture": "a", "task": "fashion-mnist", "metric": "top1", "teacher": 1, "variants": {"fp32": {"file": "m.onnx"}}})",
              "\"teacher\" must be a string");
}

TEST_CASE("trained record: malformed records are refused") {
  check_error("missing", "", "not valid JSON");
  CHECK(load_trained_record("/nonexistent").status().message().find("does not exist") != std::string::npos);
  check_error("array", "[]", "not a JSON object");
  check_error("truncated", R"({"zoo_name": "resnet", )", "not valid JSON");
  check_error("no_architecture", R"({"zoo_name": "x", "task": "fashion-mnist", "metric": "top1", "variants": {}})",
              "\"architecture\"");
  check_error("no_task", R"({"zoo_name": "x", "architecture": "a", "metric": "top1", "variants": {"fp32": {"file": "m.onnx"}}})",
              "\"task\"");
  check_error("bad_task",
              R"({"zoo_name": "x", "architecture": "a", "task": "imagenet", "metric": "top1", "variants": {"fp32": {"file": "m.onnx"}}})",
              "unknown task 'imagenet'");
  check_error("no_variants", R"({"zoo_name": "x", "architecture": "a", "task": "fashion-mnist", "metric": "top1", "variants": {}})",
              "non-empty");
  check_error(
      "escape",
      R"({"zoo_name": "x", "architecture": "a", "task": "fashion-mnist", "metric": "top1", "variants": {"fp32": {"file": "../../m.onnx"}}})",
      "plain file name");
  check_error("file_type",
              R"({"zoo_name": "x", "architecture": "a", "task": "fashion-mnist", "metric": "top1", "variants": {"fp32": {"file": 3}}})",
              "\"file\" must be a string");
  check_error(
      "metric_type",
      R"({"zoo_name": "x", "architecture": "a", "task": "fashion-mnist", "metric": "top1", "variants": {"fp32": {"file": "m.onnx", "metrics": {"top1": "91"}}}})",
      "'top1' is not a number");
  check_error(
      "subset_samples",
      R"({"zoo_name": "x", "architecture": "a", "task": "fashion-mnist", "metric": "top1", "variants": {"fp32": {"file": "m.onnx", "subset_metrics": {"top1": 91}}}})",
      "\"samples\"");
  check_error(
      "subset_fraction",
      R"({"zoo_name": "x", "architecture": "a", "task": "fashion-mnist", "metric": "top1", "variants": {"fp32": {"file": "m.onnx", "subset_metrics": {"samples": 2.5}}}})",
      "positive integer");
}

}  // namespace
}  // namespace edgerun::data
