#include "operators/sptq/calibration_data.h"

#include <algorithm>
#include <filesystem>
#include <random>

#include "models/data/eval_task.h"
#include "tools/common/model_inputs.h"
#include "tools/common/npy.h"

namespace edgerun::sptq {

namespace {

namespace fs = std::filesystem;

using Samples = std::vector<std::vector<NamedTensor>>;

constexpr int64_t kSceneSize = 64, kItemSize = 28, kInk = 40;
constexpr int64_t kSequenceLength = 128;  // for a text model whose sequence dim is symbolic

// fashion_scenes.py's rules on the given images: 2 to 4 items per 64x64 canvas, ink (> 40) overwrites
// and labels, faint pixels only brighten.
data::LabelledScenes make_scenes(const data::LabelledImages& items, int64_t count, uint64_t seed) {
  data::LabelledScenes s;
  s.count = count;
  s.height = s.width = kSceneSize;
  s.pixels.assign(static_cast<size_t>(count * kSceneSize * kSceneSize), 0);
  s.labels.assign(s.pixels.size(), 0);
  std::mt19937_64 rng(seed);
  auto uniform = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  for (int64_t n = 0; n < count; ++n) {
    for (int64_t item = uniform(2, 4); item > 0; --item) {
      const int64_t index = uniform(0, items.count - 1);
      const int64_t row = uniform(0, kSceneSize - kItemSize), col = uniform(0, kSceneSize - kItemSize);
      for (int64_t y = 0; y < kItemSize; ++y) {
        for (int64_t x = 0; x < kItemSize; ++x) {
          const uint8_t v = items.pixels[static_cast<size_t>((index * kItemSize + y) * kItemSize + x)];
          const size_t at = static_cast<size_t>((n * kSceneSize + row + y) * kSceneSize + col + x);
          s.pixels[at] = std::max(s.pixels[at], v);
          if (v > kInk) {
            s.pixels[at] = v;
            s.labels[at] = static_cast<uint8_t>(items.labels[static_cast<size_t>(index)] + 1);
          }
        }
      }
    }
  }
  return s;
}

// The task evaluator over the calibration data of `task` (train data, or `path` read as is).
Result<std::unique_ptr<data::TaskEvaluator>> task_data(data::Task task, const std::string& path,
                                                       const CalibrationRequest& r) {
  switch (task) {
    case data::Task::kFashionMnist: {
      const std::string dir = path.empty() ? data::kFashionMnistDir : path;
      const bool train = fs::exists(fs::path(dir) / "train-images-idx3-ubyte.gz");
      ASSIGN_OR_RETURN(data::LabelledImages images, data::load_fashion_mnist(dir, train ? "train" : "t10k"));
      return data::make_classification_evaluator(std::move(images));
    }
    case data::Task::kFashionScenes: {
      if (!path.empty()) {
        ASSIGN_OR_RETURN(data::LabelledScenes scenes, data::load_fashion_scenes(path));
        return data::make_segmentation_evaluator(std::move(scenes));
      }
      ASSIGN_OR_RETURN(data::LabelledImages items, data::load_fashion_mnist(data::kFashionMnistDir, "train"));
      return data::make_segmentation_evaluator(make_scenes(items, r.samples, kSceneSeed));
    }
    case data::Task::kManpagePairs: {
      const std::string file = path.empty() ? data::source_dir() + "/models/data/manpage_pairs/train.tsv" : path;
      if (r.vocab_path.empty()) return invalid_argument("a text model needs its vocab.txt for calibration data");
      ASSIGN_OR_RETURN(data::Vocab vocab, data::Vocab::load(r.vocab_path));
      ASSIGN_OR_RETURN(std::vector<data::TextPair> pairs, data::load_manpage_pairs(file));
      return data::make_text_evaluator(std::move(pairs), std::move(vocab), kSequenceLength);
    }
  }
  return internal_error("unknown task");
}

Result<Samples> task_samples(const Graph& graph, data::Task task, const std::string& path,
                             const CalibrationRequest& r) {
  ASSIGN_OR_RETURN(std::unique_ptr<data::TaskEvaluator> evaluator, task_data(task, path, r));
  RETURN_IF_ERROR(evaluator->check_model(graph));
  int64_t fixed = -1;  // a fixed batch dim: every batch has exactly that many rows
  for (ValueId id : graph.inputs) {
    const Value& v = graph.value(id);
    if (v.has_shape && !v.shape.empty() && v.shape[0].known()) fixed = v.shape[0].size;
  }
  const int64_t rows = fixed > 0 ? fixed : std::max<int64_t>(r.batch, 1);
  const int64_t total = std::min(r.samples, evaluator->size());
  Samples samples;
  for (int64_t begin = 0; begin < total; begin += rows) {
    const int64_t count = std::min(rows, total - begin);
    ASSIGN_OR_RETURN(std::vector<NamedTensor> inputs, evaluator->inputs(begin, count, fixed > 0 ? rows : count));
    samples.push_back(std::move(inputs));
  }
  return samples;
}

// One sample from a folder of <input>.npy files.
Result<std::vector<NamedTensor>> npy_sample(const Graph& graph, const fs::path& dir) {
  std::vector<NamedTensor> sample;
  for (ValueId id : graph.inputs) {
    const std::string& name = graph.value(id).name;
    const fs::path file = dir / (name + ".npy");
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
      return not_found("calibration data: no " + file.string() + " for input '" + name + "'");
    ASSIGN_OR_RETURN(Tensor t, read_npy(file.string()));
    sample.push_back({name, std::move(t)});
  }
  return sample;
}

Result<Samples> path_samples(const Graph& graph, const CalibrationRequest& r) {
  std::error_code ec;
  const fs::path path(r.data_path);
  if (!fs::exists(path, ec)) return not_found("calibration data '" + r.data_path + "' does not exist");
  auto task = data::detect_task(r.data_path);
  if (task.ok()) return task_samples(graph, task.value(), r.data_path, r);
  if (!fs::is_directory(path, ec)) return task.status();
  Samples samples;
  bool has_npy = false;
  std::vector<fs::path> folders;
  for (const fs::directory_entry& e : fs::directory_iterator(path, ec)) {
    if (e.is_directory()) folders.push_back(e.path());
    has_npy = has_npy || e.path().extension() == ".npy";
  }
  if (has_npy) {
    ASSIGN_OR_RETURN(std::vector<NamedTensor> one, npy_sample(graph, path));
    samples.push_back(std::move(one));
    return samples;
  }
  std::sort(folders.begin(), folders.end());
  for (const fs::path& folder : folders) {
    if (static_cast<int64_t>(samples.size()) >= r.samples) break;
    ASSIGN_OR_RETURN(std::vector<NamedTensor> one, npy_sample(graph, folder));
    samples.push_back(std::move(one));
  }
  if (samples.empty())
    return invalid_argument("calibration data '" + r.data_path + "' holds no .npy files, sample folders or task data");
  return samples;
}

Result<Samples> random_samples(const Graph& graph, int64_t count) {
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::from_graph(graph));
  Samples samples;
  for (int64_t s = 0; s < count; ++s) {
    ASSIGN_OR_RETURN(std::vector<NamedTensor> inputs, make_random_inputs(*session, static_cast<uint32_t>(s + 1)));
    samples.push_back(std::move(inputs));
  }
  return samples;
}

}  // namespace

Result<std::unique_ptr<data::TaskEvaluator>> calibration_task_data(data::Task task, const CalibrationRequest& request) {
  return task_data(task, request.data_path, request);
}

Result<Samples> calibration_samples(const Graph& graph, const CalibrationRequest& request) {
  if (request.samples < 1)
    return invalid_argument("calibration needs at least 1 sample, got " + std::to_string(request.samples));
  if (!request.data_path.empty()) return path_samples(graph, request);
  if (request.task) return task_samples(graph, *request.task, "", request);
  return random_samples(graph, request.samples);
}

}  // namespace edgerun::sptq
