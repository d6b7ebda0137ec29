// Summary statistics of latency samples, as every bench_engine table reports them.
#pragma once

#include <cstddef>
#include <vector>

namespace edgerun {

struct LatencyStats {
  double median = 0, p90 = 0, mean = 0, stddev = 0, min = 0, max = 0;
  size_t count = 0;
};

// Percentiles by linear interpolation between order statistics (numpy's default).
LatencyStats summarize(std::vector<double> samples);

}  // namespace edgerun
