#include "tools/bench_engine/surrogate_accuracy.h"

#include <cstdio>
#include <filesystem>

#include "models/data/evaluate.h"
#include "models/data/trained_record.h"

namespace edgerun {

Status print_surrogate_accuracy(const std::string& zoo_name, const AccuracyOptions& options) {
  const std::string dir = data::trained_models_dir() + "/" + zoo_name;
  if (!std::filesystem::exists(dir + "/record.json")) {
    std::printf("accuracy   n/a: no trained surrogate for '%s' in models/trained/\n", zoo_name.c_str());
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(data::TrainedRecord record, data::load_trained_record(dir));
  data::EvalRequest request;
  ASSIGN_OR_RETURN(request.model_path, record.model_path(options.variant));
  request.task = record.task;
  request.limit = options.limit;
  request.threads = options.threads;
  ASSIGN_OR_RETURN(data::EvalResult result, data::evaluate(request));

  std::printf("accuracy   measured by edgerun on the trained surrogate, not on the full-size model:\n");
  std::printf("           %s, variant %s (%s)\n", record.architecture.c_str(), options.variant.c_str(),
              request.model_path.c_str());
  std::printf("           %s test split, %lld of %lld samples, %.1f s\n", data::task_name(record.task),
              static_cast<long long>(result.samples), static_cast<long long>(result.split_samples), result.seconds);
  const data::VariantRecord& recorded = record.variants.at(options.variant);
  const bool full_split = result.samples == result.split_samples;
  for (const data::Metric& m : result.metrics) {
    std::printf("           %-8s %6.2f %%", m.name.c_str(), m.percent);
    const auto torch = recorded.metrics.find(m.name);
    if (full_split && torch != recorded.metrics.end()) std::printf("   (PyTorch recorded %.2f)", torch->second);
    std::printf("\n");
  }
  return Status::Ok();
}

}  // namespace edgerun
