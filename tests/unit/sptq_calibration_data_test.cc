// SPTQ calibration samples (operators/sptq/calibration_data.h): task train data batched like the
// evaluator, seeded random inputs, .npy folders, and their errors.
#include <doctest/doctest.h>

#include <filesystem>

#include <unistd.h>

#include "graph/onnx/onnx_importer.h"
#include "models/data/trained_record.h"
#include "operators/sptq/calibration_data.h"
#include "tools/common/npy.h"

namespace edgerun::sptq {
namespace {

Graph trained(const std::string& name) {
  return onnx::import_model_file(data::trained_models_dir() + "/" + name + "/model.onnx").value();
}

TEST_CASE("sptq calibration data: task train data in evaluator batches") {
  const Graph classifier = trained("resnet-student");
  CalibrationRequest r;
  r.task = data::Task::kFashionMnist;
  r.samples = 70;
  r.batch = 32;
  auto samples = calibration_samples(classifier, r);
  REQUIRE_MESSAGE(samples.ok(), samples.status().to_string());
  REQUIRE(samples->size() == 3);  // 32 + 32 + 6 rows
  CHECK(samples->at(0).at(0).name == "input");
  CHECK(samples->at(0).at(0).tensor.shape() == Shape{32, 1, 28, 28});
  CHECK(samples->at(2).at(0).tensor.shape() == Shape{6, 1, 28, 28});

  const Graph segmenter = trained("fcn");
  r.task = data::Task::kFashionScenes;
  r.samples = 8;
  auto scenes = calibration_samples(segmenter, r);
  REQUIRE_MESSAGE(scenes.ok(), scenes.status().to_string());
  const Tensor& s = scenes->at(0).at(0).tensor;
  CHECK(s.shape() == Shape{8, 1, 64, 64});
  int64_t ink = 0;
  for (int64_t i = 0; i < s.num_elements(); ++i) ink += s.data<float>()[i] > 40.0f / 255.0f;
  CHECK(ink > 8 * 2 * 100);  // at least two items of some ink per scene

  const Graph text = trained("bert-student");
  r.task = data::Task::kManpagePairs;
  r.samples = 4;
  r.vocab_path = data::trained_models_dir() + "/bert-student/vocab.txt";
  auto pairs = calibration_samples(text, r);
  REQUIRE_MESSAGE(pairs.ok(), pairs.status().to_string());
  CHECK(pairs->at(0).size() == 3);
  CHECK(pairs->at(0).at(0).tensor.shape() == Shape{4, 128});
  r.vocab_path.clear();
  CHECK_FALSE(calibration_samples(text, r).ok());
}

TEST_CASE("sptq calibration data: random inputs, .npy folders, errors") {
  const Graph classifier = trained("resnet-student");
  CalibrationRequest r;
  r.samples = 3;
  auto random = calibration_samples(classifier, r);
  REQUIRE(random.ok());
  CHECK(random->size() == 3);
  CHECK(random->at(0).at(0).tensor.data<float>()[0] != random->at(1).at(0).tensor.data<float>()[0]);

  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("edgerun_sptq_calib_test_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "s0");
  fs::create_directories(dir / "s1");
  const Tensor x = Tensor::allocate(DType::kF32, {2, 1, 28, 28}).value();
  REQUIRE(write_npy((dir / "s0" / "input.npy").string(), x).ok());
  REQUIRE(write_npy((dir / "s1" / "input.npy").string(), x).ok());
  r.data_path = dir.string();
  auto folders = calibration_samples(classifier, r);
  REQUIRE_MESSAGE(folders.ok(), folders.status().to_string());
  CHECK(folders->size() == 2);
  r.data_path = (dir / "s0").string();
  auto one = calibration_samples(classifier, r);
  REQUIRE(one.ok());
  CHECK(one->size() == 1);
  fs::rename(dir / "s1" / "input.npy", dir / "s1" / "other.npy");
  r.data_path = dir.string();
  CHECK(calibration_samples(classifier, r).status().code() == StatusCode::kNotFound);
  r.data_path = (dir / "missing").string();
  CHECK(calibration_samples(classifier, r).status().code() == StatusCode::kNotFound);
  r.data_path.clear();
  r.samples = 0;
  CHECK(calibration_samples(classifier, r).status().code() == StatusCode::kInvalidArgument);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace edgerun::sptq
