#include "models/data/task.h"

#include <filesystem>
#include <system_error>

#include "models/data/fashion_mnist.h"

namespace edgerun::data {

const char* task_name(Task task) {
  switch (task) {
    case Task::kFashionMnist: return "fashion-mnist";
    case Task::kFashionScenes: return "fashion-scenes";
    case Task::kManpagePairs: return "manpage-pairs";
  }
  return "?";
}

Result<Task> parse_task(const std::string& name) {
  for (Task t : {Task::kFashionMnist, Task::kFashionScenes, Task::kManpagePairs}) {
    if (name == task_name(t)) return t;
  }
  return invalid_argument("unknown task '" + name + "' (fashion-mnist, fashion-scenes, manpage-pairs)");
}

const char* primary_metric(Task task) {
  switch (task) {
    case Task::kFashionMnist: return "top1";
    case Task::kFashionScenes: return "miou";
    case Task::kManpagePairs: return "f1";
  }
  return "?";
}

std::string source_dir() { return EDGERUN_SOURCE_DIR; }

std::string default_data_path(Task task) {
  switch (task) {
    case Task::kFashionMnist: return kFashionMnistDir;
    case Task::kFashionScenes: return source_dir() + "/models/data/fashion_scenes";
    case Task::kManpagePairs: return source_dir() + "/models/data/manpage_pairs/test.tsv";
  }
  return "";
}

Result<Task> detect_task(const std::string& data_path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path p(data_path);
  if (fs::is_directory(p, ec)) {
    if (fs::exists(p / "t10k-images-idx3-ubyte.gz", ec)) return Task::kFashionMnist;
    if (fs::exists(p / "images.npy", ec) && fs::exists(p / "labels.npy", ec)) return Task::kFashionScenes;
    return invalid_argument(
        "'" + data_path +
        "' holds neither Fashion-MNIST (t10k-images-idx3-ubyte.gz) nor fashion-scenes (images.npy, labels.npy)");
  }
  if (fs::is_regular_file(p, ec) && p.extension() == ".tsv") return Task::kManpagePairs;
  if (!fs::exists(p, ec)) return not_found("data '" + data_path + "' does not exist");
  return invalid_argument("data '" + data_path + "' is not a task name, a data folder or a .tsv file");
}

}  // namespace edgerun::data
