#include "models/data/trained_record.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "models/data/file_bytes.h"

namespace edgerun::data {

namespace {

constexpr size_t kMaxRecordBytes = size_t{1} << 20;

// A plain file name: no folder part, so a record cannot point outside its folder.
bool is_plain_file_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\\') == std::string::npos;
}

Result<std::string> string_field(const nlohmann::json& obj, const char* key, const std::string& what) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return invalid_argument(what + ": \"" + key + "\" must be a string");
  return it->get<std::string>();
}

// Reads the optional object `key` of numbers into `out`.
Status read_metrics(const nlohmann::json& variant, const char* key, const std::string& what,
                    std::map<std::string, double>* out) {
  auto metrics = variant.find(key);
  if (metrics == variant.end()) return Status::Ok();
  if (!metrics->is_object()) return invalid_argument(what + ": \"" + key + "\" must be an object");
  for (const auto& [metric, value] : metrics->items()) {
    if (!value.is_number()) return invalid_argument(what + ": " + key + " '" + metric + "' is not a number");
    (*out)[metric] = value.get<double>();
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> TrainedRecord::model_path(const std::string& variant) const {
  auto it = variants.find(variant);
  if (it == variants.end()) {
    std::string known;
    for (const auto& [name, v] : variants) known += (known.empty() ? "" : ", ") + name;
    return not_found("'" + dir + "' has no variant '" + variant + "' (it has: " + known + ")");
  }
  return dir + "/" + it->second.file;
}

Result<TrainedRecord> load_trained_record(const std::string& dir) {
  const std::string path = dir + "/record.json";
  ASSIGN_OR_RETURN(std::string text, read_file_text(path, kMaxRecordBytes));
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  const std::string what = "'" + path + "'";
  if (doc.is_discarded()) return invalid_argument(what + ": not valid JSON");
  if (!doc.is_object()) return invalid_argument(what + ": not a JSON object");
  TrainedRecord record;
  record.dir = dir;
  ASSIGN_OR_RETURN(record.zoo_name, string_field(doc, "zoo_name", what));
  ASSIGN_OR_RETURN(record.architecture, string_field(doc, "architecture", what));
  ASSIGN_OR_RETURN(std::string task, string_field(doc, "task", what));
  ASSIGN_OR_RETURN(record.task, parse_task(task));
  ASSIGN_OR_RETURN(record.metric, string_field(doc, "metric", what));
  if (doc.contains("teacher")) {
    ASSIGN_OR_RETURN(record.teacher, string_field(doc, "teacher", what));
  }
  auto variants = doc.find("variants");
  if (variants == doc.end() || !variants->is_object() || variants->empty()) {
    return invalid_argument(what + ": \"variants\" must be a non-empty object");
  }
  for (const auto& [name, v] : variants->items()) {
    const std::string vwhat = what + " variant '" + name + "'";
    if (!v.is_object()) return invalid_argument(vwhat + ": not an object");
    VariantRecord variant;
    ASSIGN_OR_RETURN(variant.file, string_field(v, "file", vwhat));
    if (!is_plain_file_name(variant.file)) return invalid_argument(vwhat + ": file must be a plain file name");
    RETURN_IF_ERROR(read_metrics(v, "metrics", vwhat, &variant.metrics));
    RETURN_IF_ERROR(read_metrics(v, "subset_metrics", vwhat, &variant.subset_metrics));
    if (!variant.subset_metrics.empty()) {
      auto samples = variant.subset_metrics.find("samples");
      if (samples == variant.subset_metrics.end() || samples->second < 1 || samples->second > 1e9 ||
          samples->second != std::floor(samples->second)) {
        return invalid_argument(vwhat + ": \"subset_metrics\" needs \"samples\", a positive integer");
      }
      variant.subset_samples = static_cast<int64_t>(samples->second);
      variant.subset_metrics.erase(samples);
    }
    record.variants[name] = std::move(variant);
  }
  return record;
}

std::string trained_models_dir() { return source_dir() + "/models/trained"; }

}  // namespace edgerun::data
