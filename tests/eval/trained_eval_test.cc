// Every trained model in models/trained/*/record.json: edgerun's metrics must equal the ones PyTorch
// recorded for the same FP32 ONNX file within 0.1 point, on the full test split.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "models/data/evaluate.h"
#include "models/data/trained_record.h"

namespace edgerun::data {
namespace {

constexpr double kTolerancePoints = 0.1;

std::vector<std::string> trained_dirs() {
  std::vector<std::string> dirs;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(trained_models_dir(), ec)) {
    if (std::filesystem::exists(entry.path() / "record.json")) dirs.push_back(entry.path().string());
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

TEST_CASE("eval: edgerun's FP32 metrics equal PyTorch's for every trained model") {
  const std::vector<std::string> dirs = trained_dirs();
  REQUIRE_MESSAGE(!dirs.empty(), (std::string("no models/trained/*/record.json in ") + trained_models_dir()));
  for (const std::string& dir : dirs) {
    CAPTURE(dir);
    Result<TrainedRecord> record = load_trained_record(dir);
    REQUIRE_MESSAGE(record.ok(), record.status().to_string());
    for (const auto& [name, variant] : record->variants) {
      CHECK_MESSAGE(std::filesystem::is_regular_file(dir + "/" + variant.file),
                    (std::string("variant ") + name + ": missing " + variant.file));
    }
    Result<std::string> model = record->model_path("fp32");
    REQUIRE_MESSAGE(model.ok(), model.status().to_string());
    const VariantRecord& fp32 = record->variants.at("fp32");
    REQUIRE_MESSAGE(fp32.metrics.count(record->metric), (std::string("record has no fp32 metric ") + record->metric));
    const std::map<std::string, double>& reference = fp32.metrics;
    EvalRequest req;
    req.model_path = model.value();
    req.task = record->task;
    req.batch = 64;
    req.threads = 1;  // the tests share the machine; OpenMP threads over a loaded machine only slow down
    Result<EvalResult> result = evaluate(req);
    REQUIRE_MESSAGE(result.ok(), result.status().to_string());
    CHECK(result->samples == result->split_samples);
    int compared = 0;
    for (const Metric& m : result->metrics) {
      auto it = reference.find(m.name);
      if (it == reference.end()) continue;
      CAPTURE(m.name);
      std::printf("%-16s %-8s edgerun %6.2f  PyTorch %6.2f  diff %+.3f  (%lld samples, %.1f s)\n",
                  record->zoo_name.c_str(), m.name.c_str(), m.percent, it->second, m.percent - it->second,
                  static_cast<long long>(result->samples), result->seconds);
      CHECK(std::fabs(m.percent - it->second) <= kTolerancePoints);
      ++compared;
    }
    CHECK(compared > 0);
  }
}

}  // namespace
}  // namespace edgerun::data
