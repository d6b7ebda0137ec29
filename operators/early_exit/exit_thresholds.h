// How an exit's threshold is chosen. Confidence itself (max probability or entropy, the mean over
// pixels for segmentation) is kernels/ref/nn/exit_confidence.h, shared with the EarlyExit op.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "graph/status.h"
#include "kernels/ref/nn/exit_confidence.h"

namespace edgerun::early_exit {

using ref::exit_rule_name;
using ref::exit_score;
using ref::ExitRule;
using ref::is_confident;
using ref::never_threshold;

Result<ExitRule> parse_exit_rule(const std::string& name);  // "max_prob", "entropy"; else an error

struct ThresholdSearch {
  ExitRule rule = ExitRule::kMaxProb;
  // scores[k][i]: exit k's score of calibration sample i; every exit has the same number of samples.
  std::vector<std::vector<float>> scores;
  // The task metric in percent when sample i takes the output of exit assignment[i], where
  // assignment[i] == scores.size() means the model's final output.
  std::function<double(const std::vector<int>& assignment)> metric;
  double max_drop_points = 1.0;  // allowed metric drop vs every sample on the final output
  int max_candidates = 200;      // thresholds tried per exit (quantiles of that exit's scores)
};

struct ThresholdChoice {
  std::vector<float> thresholds;  // one per exit; never_threshold() where the exit cannot fire in budget
  std::vector<double> exit_rates; // fraction of calibration samples per exit, then the final (size K+1)
  double reference_metric = 0;    // all samples on the final output
  double metric = 0;              // with the chosen thresholds
};

// Greedy, exit by exit in order: for exit k (earlier exits fixed, later exits never firing) the most
// permissive candidate threshold whose assignment keeps metric >= reference - max_drop_points.
Result<ThresholdChoice> choose_thresholds(const ThresholdSearch& search);

// The exit each sample takes under `thresholds`: the first confident exit, else scores.size().
std::vector<int> assign_exits(const std::vector<std::vector<float>>& scores, const std::vector<float>& thresholds,
                              ExitRule rule);

}  // namespace edgerun::early_exit
