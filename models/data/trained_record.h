// record.json of a trained model folder (models/trained/<zoo-name>/): the task, the main metric and,
// per variant (fp32, qat, pruned), the ONNX file and PyTorch's metrics on the full test split.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "graph/status.h"
#include "models/data/task.h"

namespace edgerun::data {

struct VariantRecord {
  std::string file;                       // relative to the folder, a plain file name
  std::map<std::string, double> metrics;  // "top1" -> 91.23 (percent) on the full test split; may be empty
  // Optional "subset_metrics": {"samples": 1000, "top1": ...}: PyTorch's metrics on the first `samples`
  // test samples, so a quick check (`edgerun eval --limit 1000`, the eval test) has a reference too.
  int64_t subset_samples = 0;
  std::map<std::string, double> subset_metrics;
};

struct TrainedRecord {
  std::string dir;
  std::string zoo_name;
  std::string architecture;  // "WRN-23-2 ... (surrogate of Wide-ResNet-101-2)"
  Task task = Task::kFashionMnist;
  std::string metric;  // the main metric's name
  std::string teacher;  // a distilled student's teacher (its zoo name); empty otherwise
  std::map<std::string, VariantRecord> variants;

  // Path of a variant's model file; error naming the variants there when it is absent.
  Result<std::string> model_path(const std::string& variant) const;
};

// Reads DIR/record.json; validates its fields (known task, variants with plain file names, numeric
// metrics) without trusting anything in it.
Result<TrainedRecord> load_trained_record(const std::string& dir);

// models/trained/ of the source tree.
std::string trained_models_dir();

}  // namespace edgerun::data
