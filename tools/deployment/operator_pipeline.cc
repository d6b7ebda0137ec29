#include "tools/deployment/operator_pipeline.h"

#include <algorithm>

namespace edgerun {

namespace {

constexpr OperatorStep kAllSteps[] = {OperatorStep::kDistill, OperatorStep::kPrune,     OperatorStep::kSptq,
                                      OperatorStep::kQat,     OperatorStep::kEarlyExit, OperatorStep::kPartition};

std::vector<std::string> split_steps(const std::string& text) {
  std::vector<std::string> parts;
  size_t begin = 0;
  for (size_t plus = text.find('+'); plus != std::string::npos; plus = text.find('+', begin)) {
    parts.push_back(text.substr(begin, plus - begin));
    begin = plus + 1;
  }
  parts.push_back(text.substr(begin));
  return parts;
}

// Position of `step` in `steps`, -1 when absent.
long position(const std::vector<OperatorStep>& steps, OperatorStep step) {
  const auto it = std::find(steps.begin(), steps.end(), step);
  return it == steps.end() ? -1 : static_cast<long>(it - steps.begin());
}

// Why the steps (each once, all known) do not make a pipeline; "" when they do.
std::string rejection(const std::vector<OperatorStep>& steps) {
  const long distill = position(steps, OperatorStep::kDistill), prune = position(steps, OperatorStep::kPrune),
             sptq = position(steps, OperatorStep::kSptq), qat = position(steps, OperatorStep::kQat),
             early_exit = position(steps, OperatorStep::kEarlyExit),
             partition = position(steps, OperatorStep::kPartition);
  const long quantize = std::max(sptq, qat);
  if (distill > 0)
    return "distill must come first: it replaces the model by its student, which the later steps transform";
  if (sptq >= 0 && qat >= 0) return "sptq and qat both quantize the model: choose one";
  if (prune >= 0 && quantize >= 0 && prune > quantize) {
    const char* q = sptq >= 0 ? "sptq" : "qat";
    return std::string("prune after ") + q + ": the weights are INT8 by then; prune before quantizing (prune+sptq)";
  }
  if (prune >= 0 && qat >= 0)
    return "prune with qat: no surrogate is trained both pruned and QAT (QAT fine-tunes the dense weights); "
           "prune+sptq quantizes the pruned model";
  if (partition >= 0 && partition + 1 != static_cast<long>(steps.size()))
    return "partition must be last: it splits the finished graph across two tiers";
  if (early_exit >= 0 && prune >= 0)
    return "early_exit with prune is not implemented: static skipping and the exit heads are built on the dense model";
  if (early_exit >= 0 && qat >= 0)
    return "early_exit with qat is not implemented: QEE fits the exit heads on the fp32 model, then quantizes the "
           "whole graph by SPTQ (sptq+early_exit)";
  return "";
}

}  // namespace

const char* operator_step_name(OperatorStep step) {
  switch (step) {
    case OperatorStep::kDistill: return "distill";
    case OperatorStep::kPrune: return "prune";
    case OperatorStep::kSptq: return "sptq";
    case OperatorStep::kQat: return "qat";
    case OperatorStep::kEarlyExit: return "early_exit";
    case OperatorStep::kPartition: return "partition";
  }
  return "?";
}

bool OperatorPipeline::has(OperatorStep step) const { return position(steps, step) >= 0; }

OperatorPipeline OperatorPipeline::without(OperatorStep step) const {
  OperatorPipeline p;
  for (OperatorStep s : steps) {
    if (s != step) p.steps.push_back(s);
  }
  return p;
}

OperatorPipeline OperatorPipeline::only(std::initializer_list<OperatorStep> kept) const {
  OperatorPipeline p;
  for (OperatorStep s : steps) {
    if (std::find(kept.begin(), kept.end(), s) != kept.end()) p.steps.push_back(s);
  }
  return p;
}

std::string OperatorPipeline::name() const {
  if (steps.empty()) return "identity";
  std::string s;
  for (OperatorStep step : steps) s += (s.empty() ? "" : "+") + std::string(operator_step_name(step));
  return s;
}

Result<OperatorPipeline> parse_operator_pipeline(const std::string& text) {
  const std::string what = "--op '" + text + "': ";
  if (text == "identity") return OperatorPipeline{};
  const std::vector<std::string> parts = split_steps(text);
  OperatorPipeline p;
  for (const std::string& part : parts) {
    if (part.empty()) return invalid_argument(what + "an empty step (steps are joined by one '+')");
    if (part == "identity") return invalid_argument(what + "identity is the model unchanged: it combines with no step");
    const auto* step = std::find_if(std::begin(kAllSteps), std::end(kAllSteps),
                                    [&](OperatorStep s) { return part == operator_step_name(s); });
    if (step == std::end(kAllSteps)) {
      return invalid_argument(what + "unknown operator step '" + part +
                              "' (identity, or steps joined by '+': distill, prune, sptq, qat, early_exit, partition)");
    }
    if (p.has(*step)) return invalid_argument(what + "'" + part + "' appears twice");
    p.steps.push_back(*step);
  }
  if (const std::string why = rejection(p.steps); !why.empty()) return invalid_argument(what + why);
  return p;
}

}  // namespace edgerun
