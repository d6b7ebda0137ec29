// The three evaluation tasks, their names on the command line and where their test data lives.
#pragma once

#include <string>

#include "graph/status.h"

namespace edgerun::data {

enum class Task { kFashionMnist, kFashionScenes, kManpagePairs };

const char* task_name(Task task);  // "fashion-mnist", "fashion-scenes", "manpage-pairs"
Result<Task> parse_task(const std::string& name);
// The metric record.json names as the task's main one: top1, miou, f1.
const char* primary_metric(Task task);

// The source tree this binary was built from (models/trained and models/data live there).
std::string source_dir();
// Test data of a task: the Debian Fashion-MNIST folder, models/data/fashion_scenes,
// models/data/manpage_pairs/test.tsv.
std::string default_data_path(Task task);

// Recognises a data path by what is there: a folder with t10k-images-idx3-ubyte.gz, a folder with
// images.npy and labels.npy, or a .tsv file.
Result<Task> detect_task(const std::string& data_path);

}  // namespace edgerun::data
