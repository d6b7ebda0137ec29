// The deployment operator's command-line options, one definition for bench_engine and edgerun-serve:
// --op (the pipeline, operator_pipeline.h) and what shapes its latency graph (--ee, --ee-points, --pattern,
// --sparsity: each applies to its step of the pipeline), and, with `accuracy`, what only the
// trained surrogate's accuracy run uses (calibrator, calibration rows, early-exit fitting).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "tools/deployment/deployment_operator.h"

namespace edgerun {

struct OperatorCli {
  std::string op = "identity";
  std::string calibrator = "percentile";
  std::string ee_mode = "static";
  std::string ee_rule = "max_prob";
  OperatorOptions options;  // the numeric and free-form options land here directly
};

void add_operator_options(CLI::App& app, OperatorCli& cli, bool accuracy);

// The parsed operator; `threads` runs SPTQ's calibration.
Result<OperatorOptions> operator_options(const OperatorCli& cli, int threads);

// The arguments that make an edgerun-serve tier build the same latency graph: `pipeline` (cli's, parsed)
// without partition, which the tiers are.
std::vector<std::string> served_operator_args(const OperatorCli& cli, const OperatorPipeline& pipeline);

}  // namespace edgerun
