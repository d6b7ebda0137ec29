#include "kernels/ref/nn/exit_confidence.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace edgerun::ref {

bool parse_exit_rule(const std::string& name, ExitRule* rule) {
  if (name != "max_prob" && name != "entropy") return false;
  *rule = name == "max_prob" ? ExitRule::kMaxProb : ExitRule::kEntropy;
  return true;
}

const char* exit_rule_name(ExitRule rule) { return rule == ExitRule::kMaxProb ? "max_prob" : "entropy"; }

float exit_score(const float* logits, int64_t classes, int64_t positions, ExitRule rule) {
  double total = 0;
  for (int64_t p = 0; p < positions; ++p) {
    float top = logits[p];
    for (int64_t c = 1; c < classes; ++c) top = std::max(top, logits[c * positions + p]);
    // With e_c = exp(x_c - top) and S their sum: max prob = 1 / S, entropy = log S - sum e_c (x_c - top) / S.
    double sum = 0, weighted = 0;
    for (int64_t c = 0; c < classes; ++c) {
      const double shifted = static_cast<double>(logits[c * positions + p]) - top;
      const double e = std::exp(shifted);
      sum += e;
      weighted += e * shifted;
    }
    total += rule == ExitRule::kMaxProb ? 1.0 / sum : std::log(sum) - weighted / sum;
  }
  return positions == 0 ? 0.f : static_cast<float>(total / static_cast<double>(positions));
}

bool is_confident(float score, float threshold, ExitRule rule) {
  return rule == ExitRule::kMaxProb ? score >= threshold : score <= threshold;
}

float never_threshold(ExitRule rule) {
  return rule == ExitRule::kMaxProb ? std::numeric_limits<float>::infinity() : -std::numeric_limits<float>::infinity();
}

}  // namespace edgerun::ref
