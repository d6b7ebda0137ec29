// bench_engine --profile: where a compiled plan's time goes, step by step, in the spirit of TFLite's
// benchmark_model --enable_op_profiling: each step's op, node, kernel, output shape, median time over
// the profiled runs, share of the total and GFLOP/s (2 x MACs / time, for the steps that have MACs),
// as a table; and one run's steps as a Chrome trace (chrome://tracing, Perfetto) with --trace FILE.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/session.h"

namespace edgerun {

struct StepProfile {
  size_t step = 0;
  std::string node, op, kernel, output_shape;
  int64_t macs = 0;
  double median_ms = 0;
  std::vector<double> run_ms;  // one per profiled run
};

// `runs` profiled runs of the whole plan (compiled before) on `inputs`, after one unrecorded run.
Result<std::vector<StepProfile>> profile_steps(Session& session, const std::vector<NamedTensor>& inputs, int runs);

// The table, slowest steps first: all of them, or the first `top` (0: all) and a line for the rest.
std::string format_step_profile(const std::vector<StepProfile>& steps, size_t top);

// Chrome's trace event format: a complete ("X") event per step of run `run`, laid end to end in
// microseconds, with the kernel, shape and MACs as its args.
std::string step_profile_trace(const std::vector<StepProfile>& steps, size_t run);

}  // namespace edgerun
