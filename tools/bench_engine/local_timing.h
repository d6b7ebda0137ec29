// bench_engine's in-process latency: warm runs of one compiled session, or cold requests (each a
// fresh session of a copy of the graph, compiled and run once: the studies' protocol), cycling over
// seeded input sets as the studies cycled over their inputs.
#pragma once

#include <vector>

#include "engine/session.h"

namespace edgerun {

struct LocalTimingOptions {
  int warmup = 2;    // runs (or requests) before timing, dropped
  int repeats = 10;  // timed runs; run i takes input set i % input_sets
  bool cold = false;
};

// `session` has run once already (compiled). Returns the timed runs' milliseconds.
Result<std::vector<double>> time_local_runs(Session& session, const SessionOptions& options,
                                            const std::vector<std::vector<NamedTensor>>& input_sets,
                                            const LocalTimingOptions& timing);

}  // namespace edgerun
