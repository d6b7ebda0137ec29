// How confident an early exit is (graph/ops/early_exit.h): softmax over the class axis at every
// position (one for classification and text, every pixel for segmentation), then the mean over
// positions of the max probability (rule kMaxProb: confident when >= threshold) or of the entropy in
// nats (rule kEntropy: confident when <= threshold). The EarlyExit op and the threshold search
// (operators/early_exit/exit_thresholds.h) share it.
#pragma once

#include <cstdint>
#include <string>

namespace edgerun::ref {

enum class ExitRule { kMaxProb, kEntropy };

// "max_prob", "entropy"; false for another name.
bool parse_exit_rule(const std::string& name, ExitRule* rule);
const char* exit_rule_name(ExitRule rule);

// logits of one sample laid out [classes, positions] (NCHW's per-sample block; positions = 1 for [N, C]).
float exit_score(const float* logits, int64_t classes, int64_t positions, ExitRule rule);
bool is_confident(float score, float threshold, ExitRule rule);
// A threshold no score passes (an exit that never fires).
float never_threshold(ExitRule rule);

}  // namespace edgerun::ref
