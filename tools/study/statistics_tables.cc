#include "tools/study/statistics_tables.h"

#include <string>

#include "tools/common/latency_stats.h"
#include "tools/study/statistics.h"

namespace edgerun::study {
namespace {

std::string config_label(const CellResult& c) { return c.op + " @ " + c.placement; }

Status latency_tables(const std::vector<const CellResult*>& configs, const std::string& model, Latency latency,
                      ModelStatistics* out) {
  std::vector<const CellResult*> measured;
  std::vector<std::vector<double>> groups;
  size_t samples = 0;
  for (const CellResult* c : configs) {
    if (latency_samples(*c, latency).empty()) continue;
    measured.push_back(c);
    groups.push_back(latency_samples(*c, latency));
    samples += groups.back().size();
  }
  out->kruskal_wallis.header = {"model", "latency", "configurations", "samples", "H", "df", "p"};
  out->latency_pairs.header = {"configuration A",
                               "configuration B",
                               "median A (ms)",
                               "median B (ms)",
                               "Conover t",
                               "p (Holm)",
                               "Cliff's delta (A vs B; > 0: A slower)",
                               "magnitude"};
  std::vector<std::string> test_row = {model_display_name(model), latency_name(latency), std::to_string(groups.size()),
                                       std::to_string(samples)};
  if (groups.size() < 2) {
    test_row.insert(test_row.end(), {"-", "-", "-"});
    out->kruskal_wallis.rows.push_back(test_row);
    return Status::Ok();
  }
  const std::string where = model + " " + latency_name(latency) + " latency";
  auto kw = kruskal_wallis(groups);
  if (!kw.ok()) return kw.status().with_context(where);
  test_row.insert(test_row.end(), {fixed_cell(kw->h, 3), std::to_string(kw->df), p_value_cell(kw->p_value)});
  out->kruskal_wallis.rows.push_back(test_row);
  auto pairs = conover(groups, PAdjust::kHolm);
  if (!pairs.ok()) return pairs.status().with_context(where);
  for (const ConoverPair& pair : pairs->pairs) {
    auto delta = cliffs_delta(groups[pair.a], groups[pair.b]);
    if (!delta.ok()) return delta.status().with_context(where);
    out->latency_pairs.rows.push_back({config_label(*measured[pair.a]), config_label(*measured[pair.b]),
                                       fixed_cell(summarize(groups[pair.a]).median, 2),
                                       fixed_cell(summarize(groups[pair.b]).median, 2), fixed_cell(pair.t, 3),
                                       p_value_cell(pair.p_value), fixed_cell(delta->delta, 3),
                                       cliff_magnitude_name(delta->magnitude)});
  }
  return Status::Ok();
}

// Each operator's first cell with per-sample scores (they do not depend on placement).
std::vector<const CellResult*> scored_operators(const std::vector<const CellResult*>& configs) {
  std::vector<const CellResult*> scored;
  for (const CellResult* c : configs) {
    if (c->per_sample_scores.empty()) continue;
    bool seen = false;
    for (const CellResult* s : scored) seen = seen || s->op == c->op;
    if (!seen) scored.push_back(c);
  }
  return scored;
}

Status accuracy_table(const std::vector<const CellResult*>& configs, const std::string& model, ModelStatistics* out) {
  out->accuracy_pairs.header = {
      "operator",       "accuracy %", "identity %", "pairs",
      "non-zero pairs", "Wilcoxon W", "p",          "Cliff's delta (vs identity; > 0: operator scores higher)",
      "magnitude"};
  const std::vector<const CellResult*> scored = scored_operators(configs);
  const CellResult* identity = nullptr;
  for (const CellResult* c : scored) {
    if (c->op == "identity") identity = c;
  }
  if (identity == nullptr) return Status::Ok();
  for (const CellResult* c : scored) {
    if (c == identity) continue;
    const std::string where = model + " accuracy of " + c->op + " against identity";
    auto w = wilcoxon_signed_rank(c->per_sample_scores, identity->per_sample_scores);
    if (!w.ok()) return w.status().with_context(where);
    auto delta = cliffs_delta(c->per_sample_scores, identity->per_sample_scores);
    if (!delta.ok()) return delta.status().with_context(where);
    out->accuracy_pairs.rows.push_back({c->op, fixed_cell(c->accuracy, 2), fixed_cell(identity->accuracy, 2),
                                        std::to_string(c->per_sample_scores.size()), std::to_string(w->n),
                                        fixed_cell(w->statistic, 1), p_value_cell(w->p_value),
                                        fixed_cell(delta->delta, 3), cliff_magnitude_name(delta->magnitude)});
  }
  return Status::Ok();
}

}  // namespace

Result<ModelStatistics> model_statistics(const std::vector<CellResult>& all_cells, const std::string& study,
                                         const std::string& model, Latency latency) {
  const std::vector<CellResult> cells = latest_cells(all_cells, study);
  const std::vector<const CellResult*> configs = model_cells(cells, layout_for(study), model);
  ModelStatistics stats;
  RETURN_IF_ERROR(latency_tables(configs, model, latency, &stats));
  RETURN_IF_ERROR(accuracy_table(configs, model, &stats));
  return stats;
}

}  // namespace edgerun::study
