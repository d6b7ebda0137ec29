// What edgerun_study_bench (study_bench.cc) sets up for one benchmark of a study cell: the model after the
// operator pipeline, compiled in this process with its seeded inputs, and for a tier placement the running
// edgerun-serve tiers and the cut, as bench_engine sets them up (tools/bench_engine/bench_run.cc) with its
// defaults: 1 thread, native kernels, the built-in tier profiles, --limit auto, --cut paper.
//
// Google Benchmark calls a benchmark's function several times (to size the iterations, then per
// repetition): the cache keeps the last model and the last placement so each is set up once per
// benchmark, and the surrogate's accuracy once per (model, op) for the whole run.
#pragma once

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tools/bench_engine/accuracy_summary.h"
#include "tools/deployment/operator_cli.h"
#include "tools/placement/placement.h"

namespace edgerun {

// A model after an operator pipeline, compiled (its plan built by a first run) with its inputs.
struct DeployedCell {
  std::string model, op;
  OperatorCli cli;
  OperatorOptions options;
  DeployedModel deployed;
  std::vector<NamedTensor> inputs;  // make_random_inputs' default seed
  int64_t arena_bytes = 0;          // the plan's activation arena
};

// A placement's running tiers for the cached model, and where its steps are split.
struct PlacedCell {
  std::string placement;
  std::unique_ptr<PlacementServers> servers;
  size_t cut = 0;  // num_steps on one tier
};

class StudyCellCache {
 public:
  explicit StudyCellCache(std::string server_path) : server_path_(std::move(server_path)) {}
  ~StudyCellCache();
  StudyCellCache(const StudyCellCache&) = delete;
  StudyCellCache& operator=(const StudyCellCache&) = delete;

  Result<DeployedCell*> deployed(const std::string& model, const std::string& op);
  // The placement's tiers for deployed(model, op), started and sent one warm-up request.
  Result<PlacedCell*> placed(const std::string& model, const std::string& op, const std::string& placement);
  // The trained surrogate's accuracy after the pipeline on its first `limit` test samples; a model
  // without a surrogate is an error naming why.
  Result<AccuracySummary> accuracy(const std::string& model, const std::string& op, int64_t limit);
  // Stops the tiers and drops the model (before the process exits, so no server outlives it).
  void clear();

 private:
  std::string server_path_;
  std::unique_ptr<DeployedCell> deployed_;
  std::unique_ptr<PlacedCell> placed_;
  std::map<std::string, Result<AccuracySummary>> accuracy_;  // by "model op"
  std::FILE* null_log_ = nullptr;                            // the accuracy blocks' detail goes nowhere
};

}  // namespace edgerun
