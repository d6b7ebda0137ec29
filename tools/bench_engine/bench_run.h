// One bench_engine measurement: a model after an operator pipeline, timed in this process and on every
// placement asked, with the trained surrogate's accuracy; the detail of each part printed to
// `log` as it is measured, the figures returned as a BenchReport (bench_report.h). bench_engine's
// main, its study grids and the Google Benchmark suites all measure through here.
//
// Protocol (the studies': 100 inputs x 6 repetitions, the first repetition dropped): `inputs` seeded
// input sets, `repetitions` passes over them, the first `dropped_repetitions` not recorded; each
// placement and latency kind gets inputs x (repetitions - dropped) samples.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "tools/bench_engine/bench_report.h"
#include "tools/bench_engine/surrogate_accuracy.h"
#include "tools/common/kernel_options.h"
#include "tools/common/limit_options.h"
#include "tools/deployment/operator_cli.h"

namespace edgerun {

// The name of the in-process row of a report.
inline constexpr const char* kLocalPlacement = "local";

struct BenchConfig {
  std::string model = "resnet";  // zoo name or ONNX file
  OperatorCli op;                // --op and its options, as the command line gave them
  int threads = 1;
  KernelOptions kernels;
  ModelLimits limits;
  std::vector<std::string> dims;  // NAME=SIZE
  // "local" and placement names (mobile, edge, cloud, mobile-edge, edge-cloud, mobile-cloud, all);
  // empty: default_placements(pipeline).
  std::vector<std::string> placements;
  std::string tiers_file;  // "" = built-in profiles
  std::string cut = "paper";
  std::string fallback = "none";
  std::string limit = "auto";
  int inputs = 5;
  int repetitions = 3;
  int dropped_repetitions = 1;
  bool warm = true;
  bool cold = false;
  bool accuracy = true;
  AccuracyOptions accuracy_options;
  // --profile: the per-step table of this many local runs (0: none), its `profile_top` slowest steps
  // (0: all), and one run as a Chrome trace in `trace_file` ("" none). step_profile.h.
  int profile_runs = 0;
  size_t profile_top = 0;
  std::string trace_file;
  bool ort_peer = true;  // ONNX Runtime reference rows where they apply (identity and sptq on edge)
  std::FILE* log = stdout;
};

// local, then the single tiers, or for a pipeline ending in partition the three split placements.
std::vector<std::string> default_placements(const OperatorPipeline& pipeline);

Result<BenchReport> run_bench(const BenchConfig& config);

// The edgerun-serve arguments that make every tier build the latency graph this process measures: the
// model, the kernel backend, the operator without partition (`pipeline`, `op` parsed), the dim
// bindings and the model limits. The latency graph does not depend on the calibrator
// (deployment_operator.h): not passed on.
std::vector<std::string> served_model_args(const std::string& model, const std::string& backend, const OperatorCli& op,
                                           const OperatorPipeline& pipeline, const std::vector<std::string>& dims,
                                           const ModelLimits& limits);

}  // namespace edgerun
