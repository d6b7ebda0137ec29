// SPTQ on a trained model with every calibrator: the QDQ graph, written as ONNX and run by our engine
// on INT8 kernels, keeps the FP32 model's top-1 on the Fashion-MNIST test split (first 500 samples)
// within 1.5 points.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <unistd.h>

#include "graph/onnx/onnx_importer.h"
#include "graph/onnx/onnx_writer.h"
#include "models/data/evaluate.h"
#include "models/data/trained_record.h"
#include "operators/sptq/calibration_data.h"
#include "operators/sptq/sptq.h"

namespace edgerun::sptq {
namespace {

double top1(const std::string& model_path) {
  data::EvalRequest request;
  request.model_path = model_path;
  request.task = data::Task::kFashionMnist;
  request.limit = 500;
  auto result = data::evaluate(request);
  REQUIRE_MESSAGE(result.ok(), result.status().to_string());
  return result->metrics.at(0).percent;
}

TEST_CASE("sptq resnet-student: QDQ top-1 within 1.5 points of FP32 on 500 test samples") {
  const std::string dir = data::trained_models_dir() + "/resnet-student";
  auto record = data::load_trained_record(dir);
  REQUIRE(record.ok());
  const std::string fp32_path = record->model_path("fp32").value();
  const Graph fp32 = onnx::import_model_file(fp32_path).value();
  CalibrationRequest calibration;
  calibration.task = data::Task::kFashionMnist;
  calibration.samples = 128;
  auto samples = calibration_samples(fp32, calibration);
  REQUIRE_MESSAGE(samples.ok(), samples.status().to_string());
  CHECK(samples->size() == 4);  // 128 train rows in batches of 32
  const double reference = top1(fp32_path);
  // One file per process: the plain and sanitizer test runs may overlap.
  const std::string out = (std::filesystem::temp_directory_path() /
                           ("edgerun_sptq_resnet_student_" + std::to_string(getpid()) + ".onnx"))
                              .string();
  for (Calibrator c : {Calibrator::kPercentile, Calibrator::kMinMax, Calibrator::kEntropy, Calibrator::kMse}) {
    CAPTURE(std::string(calibrator_name(c)));
    SptqOptions options;
    options.calibrator = c;
    auto result = quantize(fp32, samples.value(), options);
    REQUIRE_MESSAGE(result.ok(), result.status().to_string());
    CHECK(result->quantized_ops.at("Conv") == 20);
    REQUIRE(onnx::write_model_file(result->graph, out).ok());
    const double quantized = top1(out);
    MESSAGE(std::string(calibrator_name(c)) << ": FP32 " << reference << " %, QDQ " << quantized << " %");
    CHECK(std::abs(quantized - reference) <= 1.5);
  }
  std::filesystem::remove(out);
}

}  // namespace
}  // namespace edgerun::sptq
