// Calibration samples for SPTQ: each sample is one batch, a full set of named graph inputs.
//   - a trained model's task: the first `samples` rows of the task's TRAIN data (never the test split),
//     batched as `edgerun eval` batches them (data::TaskEvaluator::inputs): Fashion-MNIST's train
//     split; fashion-scenes made from the Fashion-MNIST train images by the rules of
//     models/train/fashion_scenes.py (seed kSceneSeed, drawn with std::mt19937_64, so not the Python
//     generator's stream: the same distribution, not the same scenes); manpage-pairs' train.tsv.
//   - a data path (--calib-data): a folder of .npy files named <input>.npy (one sample), or a folder of
//     sample folders, each with <input>.npy for every graph input (one sample each, in name order);
//     else a task data path (data::detect_task): a Fashion-MNIST folder (its train split when there),
//     a fashion-scenes folder or a manpage-pairs .tsv file, all read as is.
//   - otherwise: seeded random inputs (tools/common/model_inputs.h), seeds 1..samples, one per batch.
// Not part of the core library: it reads files and datasets.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/session.h"
#include "models/data/eval_task.h"
#include "models/data/task.h"

namespace edgerun::sptq {

constexpr uint64_t kSceneSeed = 2;

struct CalibrationRequest {
  std::optional<data::Task> task;  // the model's task (a trained model): its train data
  std::string data_path;           // --calib-data; wins over `task`
  std::string vocab_path;          // vocab.txt for text tasks
  int64_t samples = 128;           // rows of task data, or random batches
  int64_t batch = 32;              // rows per batch of task data (a model with a fixed batch dim gets its own)
};

// A task's calibration data as a task evaluator (inputs, labels, per-sample metric counts): the train
// data calibration_samples reads (request.data_path when set); fashion-scenes makes request.samples scenes.
Result<std::unique_ptr<data::TaskEvaluator>> calibration_task_data(data::Task task, const CalibrationRequest& request);

Result<std::vector<std::vector<NamedTensor>>> calibration_samples(const Graph& graph,
                                                                  const CalibrationRequest& request);

}  // namespace edgerun::sptq
