#include "operators/partition/paper_cuts.h"

namespace edgerun::partition {

namespace {

struct PaperCut {
  const char* model;
  const char* scope;  // node-name prefix; the cut follows the scope's last step
};

constexpr PaperCut kPaperCuts[] = {
    {"resnet", "layer3."},
    {"resnext", "layer3."},
    {"resnet-student", "layer3."},
    {"resnext-student", "layer3."},
    {"resnet50", "layer3."},
    {"fcn", "backbone.layer3."},
    {"duc", "layer4.0."},
    {"bert", "bert.embeddings."},
    {"bert-student", "bert.embeddings."},
    {"roberta", "roberta.embeddings."},
    {"roberta-student", "roberta.embeddings."},
};

bool is_qdq(OpType op) { return op == OpType::kQuantizeLinear || op == OpType::kDequantizeLinear; }

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

}  // namespace

std::vector<std::string> paper_cut_models() {
  std::vector<std::string> models;
  for (const PaperCut& c : kPaperCuts) models.push_back(c.model);
  return models;
}

Result<CutPoint> paper_cut(const Plan& plan, const std::string& zoo_model) {
  const PaperCut* spec = nullptr;
  for (const PaperCut& c : kPaperCuts) {
    if (zoo_model == c.model) spec = &c;
  }
  if (spec == nullptr) {
    std::string known;
    for (const std::string& m : paper_cut_models()) known += (known.empty() ? "" : ", ") + m;
    return not_found("no paper cut for model '" + zoo_model + "'; models with one: " + known);
  }
  const size_t n = plan.num_steps();
  size_t anchor = n;
  for (size_t s = 0; s < n; ++s) {
    const Node& node = plan.step_node(s);
    if (starts_with(node.name, spec->scope) && !is_qdq(node.op)) anchor = s;
  }
  if (anchor == n) {
    return not_found("model '" + zoo_model + "': the plan has no step named '" + spec->scope +
                     "*' (the paper cut looks for the zoo builder's node names)");
  }
  const ValueId target = plan.step_node(anchor).outputs.at(0);
  size_t cut = anchor + 1;
  for (size_t s = anchor + 1; s < n; ++s) {
    const Node& node = plan.step_node(s);
    if (node.op == OpType::kQuantizeLinear && !node.inputs.empty() && node.inputs[0] == target) cut = s + 1;
  }
  Result<CutPoint> result = cut_at(plan, cut);
  if (!result.ok()) return result.status().with_context("paper cut of '" + zoo_model + "'");
  return result;
}

}  // namespace edgerun::partition
