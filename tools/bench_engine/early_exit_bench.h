// bench_engine's early-exit report (any pipeline with early_exit: early_exit, sptq+early_exit, distill+...):
//   full-size latency: the model without exits (the student with distill) and every exit path (dynamic:
//   each exit forced, then the final output; static: the skipped model) timed in interleaved rounds,
//   with the MACs each runs;
//   surrogate: the trained surrogate's early-exit model (tools/deployment/trained_early_exit.h) run
//   sample by sample (batch 1) on its test split next to the identity surrogate: exit rate, metric per
//   exit and overall, latency per sample; then the full-size paths mixed by the surrogate's exit rates.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "engine/session.h"
#include "tools/bench_engine/surrogate_accuracy.h"
#include "tools/deployment/deployment_operator.h"

namespace edgerun {

struct ExitPathTiming {
  std::string label;        // "identity", "exit 0 (layer1.2)", "final", "static skip"
  std::vector<double> ms;   // one per round
  size_t steps = 0;         // steps the path executed
  int64_t macs = 0;         // conv/gemm/matmul MACs on the path
  // The share of the identity model's step time spent in the steps this path also runs (by node
  // name): the latency the path should take if skipping saves exactly the skipped steps.
  double identity_time_share = 1;
};

// Rounds of: identity once, then each path once. `exit_names` empty: `early_exit` is static.
Result<std::vector<ExitPathTiming>> time_exit_paths(Session& identity, Session& early_exit,
                                                    const std::vector<NamedTensor>& inputs,
                                                    const std::vector<std::string>& exit_names, int warmup,
                                                    int repeats);
void print_exit_paths(std::FILE* log, const std::vector<ExitPathTiming>& paths);

// The surrogate part; `paths` (may be empty) are the full-size timings to mix by the exit rates, which
// land in *exit_rates (dynamic: one per exit, then the final output; static: none). *summary gets the
// early-exit surrogate's overall metric against identity's, sample by sample.
Status print_early_exit_surrogate(const std::string& zoo_name, const AccuracyOptions& accuracy, const OperatorOptions& op,
                                  const std::vector<ExitPathTiming>& paths, std::vector<double>* exit_rates,
                                  AccuracySummary* summary);

}  // namespace edgerun
