#include "operators/early_exit/exit_thresholds.h"

#include <algorithm>

namespace edgerun::early_exit {

Result<ExitRule> parse_exit_rule(const std::string& name) {
  ExitRule rule;
  if (!ref::parse_exit_rule(name, &rule)) return invalid_argument("unknown exit rule '" + name + "' (max_prob, entropy)");
  return rule;
}

std::vector<int> assign_exits(const std::vector<std::vector<float>>& scores, const std::vector<float>& thresholds,
                              ExitRule rule) {
  const size_t samples = scores.empty() ? 0 : scores[0].size();
  std::vector<int> assignment(samples, static_cast<int>(scores.size()));
  for (size_t i = 0; i < samples; ++i) {
    for (size_t k = 0; k < scores.size(); ++k) {
      if (is_confident(scores[k][i], thresholds[k], rule)) {
        assignment[i] = static_cast<int>(k);
        break;
      }
    }
  }
  return assignment;
}

namespace {

// Up to `limit` thresholds at quantiles of `values`, the most permissive first (max prob: lowest).
std::vector<float> candidates(std::vector<float> values, int limit, ExitRule rule) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  if (rule == ExitRule::kEntropy) std::reverse(values.begin(), values.end());
  if (static_cast<int64_t>(values.size()) <= limit) return values;
  std::vector<float> picked;
  for (int q = 0; q < limit; ++q)
    picked.push_back(values[static_cast<size_t>(static_cast<double>(q) * (values.size() - 1) / (limit - 1))]);
  picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
  return picked;
}

}  // namespace

Result<ThresholdChoice> choose_thresholds(const ThresholdSearch& search) {
  const size_t exits = search.scores.size();
  if (exits == 0) return invalid_argument("threshold search: no exits");
  const size_t samples = search.scores[0].size();
  for (const auto& s : search.scores) {
    if (s.size() != samples) return invalid_argument("threshold search: exits scored different sample counts");
  }
  if (samples == 0) return invalid_argument("threshold search: no calibration samples");
  if (!search.metric) return invalid_argument("threshold search: no metric");
  if (search.max_drop_points < 0 || search.max_candidates < 2)
    return invalid_argument("threshold search: max drop must be >= 0 and candidates >= 2");

  ThresholdChoice choice;
  choice.thresholds.assign(exits, never_threshold(search.rule));
  choice.reference_metric = search.metric(std::vector<int>(samples, static_cast<int>(exits)));
  const double lowest = choice.reference_metric - search.max_drop_points;
  for (size_t k = 0; k < exits; ++k) {
    // Samples an earlier exit took are not scored here: their assignment stays.
    const std::vector<int> before = assign_exits(search.scores, choice.thresholds, search.rule);
    std::vector<float> open;
    for (size_t i = 0; i < samples; ++i) {
      if (before[i] == static_cast<int>(exits)) open.push_back(search.scores[k][i]);
    }
    for (float t : candidates(std::move(open), search.max_candidates, search.rule)) {
      choice.thresholds[k] = t;
      if (search.metric(assign_exits(search.scores, choice.thresholds, search.rule)) >= lowest) break;
      choice.thresholds[k] = never_threshold(search.rule);
    }
  }
  const std::vector<int> assignment = assign_exits(search.scores, choice.thresholds, search.rule);
  choice.metric = search.metric(assignment);
  choice.exit_rates.assign(exits + 1, 0.0);
  for (int a : assignment) choice.exit_rates[static_cast<size_t>(a)] += 1.0 / static_cast<double>(samples);
  return choice;
}

}  // namespace edgerun::early_exit
