// The deployment operator as a pipeline of steps, parsed from `--op a+b+c` and composed in the order
// written (deployment_operator.h says what each step does):
//   distill     the zoo's trained student of the model runs in its place (must come first: the later
//               steps transform the student);
//   prune       magnitude pruning (before any quantization: after it the weights are INT8);
//   sptq | qat  quantization, one of the two;
//   early_exit  static block skipping or exit heads;
//   partition   the finished graph split across two tiers (must be last).
// "identity" is the empty pipeline and combines with nothing. sptq+early_exit is the studies' name for
// QEE, whose order is early exit first (heads attached), then SPTQ of the whole graph, heads included;
// early_exit+sptq is accepted as the same. The other orders the checks leave are the order applied.
// Combinations without meaning or without an implementation are rejected, the message saying why.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "graph/status.h"

namespace edgerun {

enum class OperatorStep { kDistill, kPrune, kSptq, kQat, kEarlyExit, kPartition };

const char* operator_step_name(OperatorStep step);

struct OperatorPipeline {
  std::vector<OperatorStep> steps;  // as written; empty: identity

  bool identity() const { return steps.empty(); }
  bool has(OperatorStep step) const;
  bool quantizes() const { return has(OperatorStep::kSptq) || has(OperatorStep::kQat); }
  bool exits_early() const { return has(OperatorStep::kEarlyExit); }
  // The same pipeline without `step`, or with only the steps in `kept` (order kept).
  OperatorPipeline without(OperatorStep step) const;
  OperatorPipeline only(std::initializer_list<OperatorStep> kept) const;
  // "identity", or the steps joined by '+' as written.
  std::string name() const;
};

// Errors name the offending step and why it is rejected.
Result<OperatorPipeline> parse_operator_pipeline(const std::string& text);

}  // namespace edgerun
