// When an exit is confident enough to stop the model, and how its threshold is chosen.
// Confidence of one sample at one exit: softmax over the class axis at every position (one position
// for classification and text, every pixel for segmentation), then the mean over positions of the max
// probability (rule kMaxProb: confident when >= threshold) or of the entropy in nats (rule kEntropy:
// confident when <= threshold).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "graph/status.h"

namespace edgerun::early_exit {

enum class ExitRule { kMaxProb, kEntropy };

Result<ExitRule> parse_exit_rule(const std::string& name);  // "max_prob", "entropy"
const char* exit_rule_name(ExitRule rule);

// logits of one sample laid out [classes, positions] (NCHW's per-sample block; positions = 1 for [N, C]).
float exit_score(const float* logits, int64_t classes, int64_t positions, ExitRule rule);
bool is_confident(float score, float threshold, ExitRule rule);
// A threshold no score passes (an exit that never fires).
float never_threshold(ExitRule rule);

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
