#include "tools/study/study_layout.h"

#include <algorithm>
#include <utility>

namespace edgerun::study {
namespace {

// One column per tier with the same operators in each.
LayoutColumn tier_column(const std::string& label, const std::string& placement, const std::vector<std::string>& ops) {
  LayoutColumn column{label, {}};
  for (const std::string& op : ops) column.configs.push_back({op, placement});
  return column;
}

// One column per operator with the same tiers in each.
LayoutColumn operator_column(const std::string& label, const std::string& op,
                             const std::vector<std::string>& placements) {
  LayoutColumn column{label, {}};
  for (const std::string& placement : placements) column.configs.push_back({op, placement});
  return column;
}

StudyLayout make_blackbox() {
  const std::vector<std::string> ops = {"identity", "sptq", "early_exit", "sptq+early_exit"};
  return StudyLayout{
      kBlackbox,
      {"resnet", "resnext", "fcn", "duc"},
      {tier_column("Mobile I / Q / EE / QEE", "mobile", ops), tier_column("Edge I / Q / EE / QEE", "edge", ops),
       tier_column("Cloud I / Q / EE / QEE", "cloud", ops),
       tier_column("Mobile-Edge P / QEEP", "mobile-edge", {"partition", "sptq+early_exit+partition"})}};
}

StudyLayout make_whitebox() {
  const std::vector<std::string> tiers = {"mobile", "edge", "cloud"};
  return StudyLayout{kWhitebox,
                     {"resnet", "resnext", "bert", "roberta"},
                     {operator_column("Identity", "identity", tiers), operator_column("SPTQ", "sptq", tiers),
                      operator_column("QAT", "qat", tiers), operator_column("Pruned", "prune", tiers),
                      operator_column("Distilled", "distill", tiers), operator_column("DSPTQ", "distill+sptq", tiers),
                      operator_column("SPTQ-P (Mobile-Edge)", "sptq+partition", {"mobile-edge"})}};
}

}  // namespace

const StudyLayout& blackbox_layout() {
  static const StudyLayout layout = make_blackbox();
  return layout;
}

const StudyLayout& whitebox_layout() {
  static const StudyLayout layout = make_whitebox();
  return layout;
}

StudyLayout layout_for(const std::string& study) {
  if (study == kBlackbox) return blackbox_layout();
  if (study == kWhitebox) return whitebox_layout();
  return StudyLayout{study, {}, {}};
}

std::string model_display_name(const std::string& model) {
  static const std::pair<const char*, const char*> kNames[] = {{"resnet", "ResNet"}, {"resnext", "ResNeXt"},
                                                               {"fcn", "FCN"},       {"duc", "DUC"},
                                                               {"bert", "BERT"},     {"roberta", "RoBERTa"}};
  for (const auto& [zoo, name] : kNames) {
    if (model == zoo) return name;
  }
  return model;
}

std::vector<CellResult> latest_cells(const std::vector<CellResult>& cells, const std::string& study) {
  std::vector<CellResult> latest;
  for (const CellResult& cell : cells) {
    if (cell.study != study) continue;
    auto same = std::find_if(latest.begin(), latest.end(), [&](const CellResult& c) { return c.key() == cell.key(); });
    if (same == latest.end()) {
      latest.push_back(cell);
    } else {
      *same = cell;
    }
  }
  return latest;
}

std::vector<std::string> ordered_models(const std::vector<CellResult>& cells, const StudyLayout& layout) {
  std::vector<std::string> models;
  auto present = [&](const std::string& m) {
    return std::any_of(cells.begin(), cells.end(), [&](const CellResult& c) { return c.model == m; });
  };
  for (const std::string& m : layout.models) {
    if (present(m)) models.push_back(m);
  }
  for (const CellResult& c : cells) {
    if (std::find(models.begin(), models.end(), c.model) == models.end()) models.push_back(c.model);
  }
  return models;
}

std::vector<const CellResult*> model_cells(const std::vector<CellResult>& cells, const StudyLayout& layout,
                                           const std::string& model) {
  std::vector<const CellResult*> ordered;
  auto add = [&](const CellResult* c) {
    if (c != nullptr && std::find(ordered.begin(), ordered.end(), c) == ordered.end()) ordered.push_back(c);
  };
  for (const LayoutColumn& column : layout.columns) {
    for (const Config& config : column.configs) add(find_cell(cells, model, config.op, config.placement));
  }
  for (const CellResult& c : cells) {
    if (c.model == model) add(&c);
  }
  return ordered;
}

const CellResult* find_cell(const std::vector<CellResult>& cells, const std::string& model, const std::string& op,
                            const std::string& placement) {
  for (const CellResult& c : cells) {
    if (c.model == model && c.op == op && c.placement == placement) return &c;
  }
  return nullptr;
}

const char* latency_name(Latency latency) { return latency == Latency::kWarm ? "warm" : "cold"; }

const std::vector<double>& latency_samples(const CellResult& cell, Latency latency) {
  return latency == Latency::kWarm ? cell.warm_ms : cell.cold_ms;
}

}  // namespace edgerun::study
