// Summary statistics of latency samples, as every bench_engine table reports them, and the clock the
// tools take them with.
#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

namespace edgerun {

// Milliseconds of steady_clock since t0.
inline double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

struct LatencyStats {
  double median = 0, p90 = 0, mean = 0, stddev = 0, min = 0, max = 0;
  size_t count = 0;
};

// Percentiles by linear interpolation between order statistics (numpy's default).
LatencyStats summarize(std::vector<double> samples);

}  // namespace edgerun
