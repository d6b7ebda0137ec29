#include "tools/bench_engine/local_timing.h"

#include <chrono>

#include "tools/common/latency_stats.h"
#include "tools/common/progress.h"

namespace edgerun {

Result<std::vector<double>> time_local_runs(Session& session, const SessionOptions& options,
                                            const std::vector<std::vector<NamedTensor>>& input_sets,
                                            const LocalTimingOptions& timing) {
  if (input_sets.empty()) return invalid_argument("no input sets to time");
  std::vector<double> samples;
  std::vector<NamedTensor> outputs;
  ProgressBar bar(timing.cold ? "cold requests" : "latency", timing.warmup + timing.repeats);
  for (int i = 0; i < timing.warmup + timing.repeats; ++i) {
    const std::vector<NamedTensor>& inputs = input_sets[static_cast<size_t>(i) % input_sets.size()];
    const auto t0 = std::chrono::steady_clock::now();
    if (timing.cold) {  // the copy stands in for reading the model file
      ASSIGN_OR_RETURN(std::unique_ptr<Session> fresh, Session::from_graph(Graph(session.graph()), options));
      RETURN_IF_ERROR(fresh->run(inputs, &outputs));
    } else {
      RETURN_IF_ERROR(session.run(inputs, &outputs));
    }
    if (i >= timing.warmup) samples.push_back(ms_since(t0));
    bar.update(i + 1);
  }
  return samples;
}

}  // namespace edgerun
