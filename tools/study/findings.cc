#include "tools/study/findings.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "tools/common/latency_stats.h"
#include "tools/study/table_format.h"

namespace edgerun::study {
namespace {

const std::vector<std::string> kTextModels = {"bert", "roberta"};
const std::vector<std::string> kImageModels = {"resnet", "resnext", "fcn", "duc"};

bool contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

std::string label(const Config& c) { return c.op + " @ " + c.placement; }

std::string points(double drop) { return fixed_cell(drop, 2) + " points"; }

// One model's cells and the latency statistics over its configurations with samples.
struct ModelData {
  std::string model;
  Latency latency = Latency::kWarm;
  std::vector<const CellResult*> cells;  // all of the model's cells
  std::vector<const CellResult*> timed;  // those with samples of `latency`, one group each
  double kruskal_p = kNotMeasured;
  ConoverResult pairs;
  // Compare by the effect alone, Cliff's delta at least small whatever the p-values: the second look
  // that tells a finding too few samples could confirm ("inconclusive") from one that fails.
  bool by_effect = false;

  const CellResult* cell(const Config& c) const {
    for (const CellResult* cell : cells) {
      if (cell->op == c.op && cell->placement == c.placement) return cell;
    }
    return nullptr;
  }
  // Index of `c` in `timed`, or -1.
  int group(const Config& c) const {
    for (size_t i = 0; i < timed.size(); ++i) {
      if (timed[i]->op == c.op && timed[i]->placement == c.placement) return static_cast<int>(i);
    }
    return -1;
  }
  double drop(const Config& c) const { return cell(c)->accuracy_drop; }
};

Result<ModelData> model_data(const std::vector<CellResult>& cells, const StudyLayout& layout, const std::string& model,
                             Latency latency) {
  ModelData m;
  m.model = model;
  m.latency = latency;
  m.cells = model_cells(cells, layout, model);
  std::vector<std::vector<double>> groups;
  for (const CellResult* c : m.cells) {
    if (latency_samples(*c, latency).empty()) continue;
    m.timed.push_back(c);
    groups.push_back(latency_samples(*c, latency));
  }
  if (groups.size() < 2) return m;
  const std::string where = model + " " + latency_name(latency) + " latency";
  auto kw = kruskal_wallis(groups);
  if (!kw.ok()) return kw.status().with_context(where);
  m.kruskal_p = kw->p_value;
  auto pairs = conover(groups, PAdjust::kHolm);
  if (!pairs.ok()) return pairs.status().with_context(where);
  m.pairs = std::move(*pairs);
  return m;
}

// The model's finding with every config of `timed` lacking samples and every config of `scored` lacking
// an accuracy drop recorded as missing; judge it only when none is.
ModelFinding start(const ModelData& m, const std::vector<Config>& timed, const std::vector<Config>& scored) {
  ModelFinding f;
  f.model = m.model;
  f.kruskal_wallis_p = m.kruskal_p;
  for (const Config& c : timed) {
    if (m.group(c) < 0) f.missing.push_back(label(c) + " (" + latency_name(m.latency) + " latency)");
  }
  for (const Config& c : scored) {
    const CellResult* cell = m.cell(c);
    if (cell == nullptr || std::isnan(cell->accuracy_drop)) f.missing.push_back("accuracy drop of " + label(c));
  }
  if (!f.missing.empty()) f.reason = "not measured";
  return f;
}

// A against B by the rule of findings.h; both must have samples.
Result<LatencyComparison> compare(const ModelData& m, const Config& a, const Config& b) {
  const size_t ia = static_cast<size_t>(m.group(a)), ib = static_cast<size_t>(m.group(b));
  const std::vector<double>& xa = latency_samples(*m.timed[ia], m.latency);
  const std::vector<double>& xb = latency_samples(*m.timed[ib], m.latency);
  LatencyComparison c;
  c.a = a;
  c.b = b;
  c.median_a_ms = summarize(xa).median;
  c.median_b_ms = summarize(xb).median;
  for (const ConoverPair& pair : m.pairs.pairs) {
    if (pair.a == std::min(ia, ib) && pair.b == std::max(ia, ib)) c.conover_p = pair.p_value;
  }
  auto delta = cliffs_delta(xa, xb);
  if (!delta.ok()) return delta.status().with_context(m.model + " " + label(a) + " vs " + label(b));
  c.cliffs_delta = delta->delta;
  c.magnitude = delta->magnitude;
  const bool significant = m.kruskal_p < kAlpha && c.conover_p < kAlpha && c.magnitude != CliffMagnitude::kNegligible;
  if (m.by_effect) {
    if (c.magnitude != CliffMagnitude::kNegligible) c.speed = c.cliffs_delta < 0 ? Speed::kFaster : Speed::kSlower;
  } else if (significant) {
    c.speed = c.cliffs_delta < 0 ? Speed::kFaster : Speed::kSlower;
  }
  return c;
}

// Compares `a` with each of `others` into f; returns "" when a is faster than all of them, else
// "<a> is not faster than <b> (<outcome>), ...".
Result<std::string> faster_than_all(const ModelData& m, const Config& a, const std::vector<Config>& others,
                                    ModelFinding* f) {
  std::string failures;
  for (const Config& b : others) {
    ASSIGN_OR_RETURN(LatencyComparison c, compare(m, a, b));
    if (c.speed != Speed::kFaster) {
      failures += (failures.empty() ? "" : ", ") + label(b) + " (" + speed_name(c.speed) + ")";
    }
    f->comparisons.push_back(c);
  }
  if (failures.empty()) return std::string();
  return label(a) + " is not faster than " + failures;
}

// The model's configurations with samples on `placement`, other than `except`.
std::vector<Config> timed_on(const ModelData& m, const std::string& placement, const Config& except) {
  std::vector<Config> configs;
  for (const CellResult* c : m.timed) {
    if (c->placement == placement && c->op != except.op) configs.push_back({c->op, c->placement});
  }
  return configs;
}

void decide(ModelFinding* f, bool holds, std::string reason) {
  f->verdict = holds ? Verdict::kHolds : Verdict::kDoesNotHold;
  f->reason = std::move(reason);
}

Result<ModelFinding> finding1(const ModelData& m) {
  const Config qee{"sptq+early_exit", "edge"}, sptq{"sptq", "edge"};
  ModelFinding f = start(m, {{"identity", "edge"}, sptq, {"early_exit", "edge"}, qee}, {sptq, qee});
  if (!f.missing.empty()) return f;
  ASSIGN_OR_RETURN(std::string slower, faster_than_all(m, qee, timed_on(m, "edge", qee), &f));
  f.drops = {{sptq, m.drop(sptq)}, {qee, m.drop(qee)}};
  if (!slower.empty()) {
    decide(&f, false, slower);
  } else if (m.drop(qee) <= m.drop(sptq)) {
    decide(&f, false, "fastest, but its drop is no larger than sptq's: not the medium loss claimed");
  } else if (m.drop(qee) > kMediumDropMaxPoints) {
    decide(&f, false,
           "fastest, but its drop of " + points(m.drop(qee)) + " is large (over " + points(kMediumDropMaxPoints) + ")");
  } else {
    decide(&f, true, "fastest on edge, dropping " + points(m.drop(qee)) + " against sptq's " + points(m.drop(sptq)));
  }
  return f;
}

Result<ModelFinding> finding2(const ModelData& m) {
  const Config identity{"identity", "edge"}, sptq{"sptq", "edge"};
  const std::vector<Config> ops = {sptq, {"early_exit", "edge"}, {"sptq+early_exit", "edge"}};
  std::vector<Config> timed = ops;
  timed.push_back(identity);
  ModelFinding f = start(m, timed, ops);
  if (!f.missing.empty()) return f;
  std::vector<Config> faster;
  for (const Config& op : ops) {
    ASSIGN_OR_RETURN(LatencyComparison c, compare(m, op, identity));
    if (c.speed == Speed::kFaster) faster.push_back(op);
    f.comparisons.push_back(c);
    f.drops.push_back({op, m.drop(op)});
  }
  if (std::find_if(faster.begin(), faster.end(), [&](const Config& c) { return c.op == sptq.op; }) == faster.end()) {
    decide(&f, false, "sptq @ edge is not faster than identity @ edge");
    return f;
  }
  for (const Config& op : faster) {
    if (m.drop(op) < m.drop(sptq)) {
      decide(&f, false, label(op) + " is also faster than identity and drops less (" + points(m.drop(op)) + ")");
      return f;
    }
  }
  decide(&f, true,
         "sptq has the smallest drop (" + points(m.drop(sptq)) + ") of the operators faster than identity on edge");
  return f;
}

Result<ModelFinding> finding3(const ModelData& m) {
  const std::vector<std::pair<Config, Config>> pairs = {
      {{"partition", "mobile-edge"}, {"identity", "mobile"}},
      {{"sptq+early_exit+partition", "mobile-edge"}, {"sptq+early_exit", "mobile"}}};
  std::vector<Config> timed;
  for (const auto& [partitioned, mobile] : pairs) timed.insert(timed.end(), {partitioned, mobile});
  ModelFinding f = start(m, timed, {});
  if (!f.missing.empty()) return f;
  std::string failures;
  for (const auto& [partitioned, mobile] : pairs) {
    ASSIGN_OR_RETURN(std::string slower, faster_than_all(m, partitioned, {mobile}, &f));
    failures += (failures.empty() || slower.empty() ? "" : "; ") + slower;
  }
  decide(&f, failures.empty(), failures.empty() ? "both partitioned pipelines beat their mobile-only ones" : failures);
  return f;
}

// Whether f's comparisons show a faster than b, in whichever order the pair was compared.
bool shown_faster(const ModelFinding& f, const Config& a, const Config& b) {
  auto same = [](const Config& x, const Config& y) { return x.op == y.op && x.placement == y.placement; };
  for (const LatencyComparison& c : f.comparisons) {
    if (same(c.a, a) && same(c.b, b)) return c.speed == Speed::kFaster;
    if (same(c.a, b) && same(c.b, a)) return c.speed == Speed::kSlower;
  }
  return false;
}

Result<ModelFinding> finding4(const ModelData& m) {
  const std::string expected = contains(kTextModels, m.model) ? "cloud" : "edge";
  std::vector<Config> tiers = {{"identity", expected}};
  for (const char* tier : {"mobile", "edge", "cloud"}) {
    if (tier != expected) tiers.push_back({"identity", tier});
  }
  ModelFinding f = start(m, tiers, {});
  if (!f.missing.empty()) return f;
  ASSIGN_OR_RETURN(std::string slower, faster_than_all(m, tiers[0], {tiers[1], tiers[2]}, &f));
  // The other two tiers against each other, to name the tier that wins where the expected one does not.
  ASSIGN_OR_RETURN(LatencyComparison others, compare(m, tiers[1], tiers[2]));
  f.comparisons.push_back(others);
  if (slower.empty()) {
    decide(&f, true, "identity is fastest on " + expected);
    return f;
  }
  std::string winner = "no tier is faster than both others";
  for (size_t t = 1; t < tiers.size(); ++t) {
    if (shown_faster(f, tiers[t], tiers[0]) && shown_faster(f, tiers[t], tiers[3 - t])) {
      winner = "identity is fastest on " + tiers[t].placement;
    }
  }
  decide(&f, false, winner + ", expected " + expected);
  return f;
}

Result<ModelFinding> finding5(const ModelData& m) {
  const Config dsptq{"distill+sptq", "edge"};
  std::vector<Config> timed = {{"identity", "edge"}, dsptq};
  for (const char* tier : {"mobile", "edge"}) {
    for (const char* op : {"distill", "qat", "prune"}) timed.push_back({op, tier});
  }
  ModelFinding f = start(m, timed, {dsptq});
  if (!f.missing.empty()) return f;
  ASSIGN_OR_RETURN(std::string slower, faster_than_all(m, dsptq, timed_on(m, "edge", dsptq), &f));
  f.drops = {{dsptq, m.drop(dsptq)}};
  std::string failures = slower;
  if (m.drop(dsptq) > kMediumDropMaxPoints) {
    failures += (failures.empty() ? "" : "; ") + label(dsptq) + " drops " + points(m.drop(dsptq)) + ", over " +
                points(kMediumDropMaxPoints);
  }
  for (const char* tier : {"mobile", "edge"}) {
    ASSIGN_OR_RETURN(std::string distill_slower,
                     faster_than_all(m, {"distill", tier}, {{"qat", tier}, {"prune", tier}}, &f));
    failures += (failures.empty() || distill_slower.empty() ? "" : "; ") + distill_slower;
  }
  decide(&f, failures.empty(),
         failures.empty() ? "distill+sptq fastest on edge dropping " + points(m.drop(dsptq)) +
                                "; distill beats qat and prune on mobile and edge"
                          : failures);
  return f;
}

Result<ModelFinding> finding6(const ModelData& m) {
  const Config partitioned{"sptq+partition", "mobile-edge"};
  std::vector<Config> distilled;
  for (const char* op : {"distill", "distill+sptq"}) {
    for (const char* tier : {"mobile", "edge"}) distilled.push_back({op, tier});
  }
  std::vector<Config> timed = distilled;
  timed.push_back(partitioned);
  ModelFinding f = start(m, timed, {});
  if (!f.missing.empty()) return f;
  std::string failures;
  for (const Config& d : distilled) {
    ASSIGN_OR_RETURN(std::string slower, faster_than_all(m, d, {partitioned}, &f));
    failures += (failures.empty() || slower.empty() ? "" : "; ") + slower;
  }
  decide(&f, failures.empty(),
         failures.empty() ? "every distilled configuration beats sptq+partition @ mobile-edge" : failures);
  return f;
}

using Judge = Result<ModelFinding> (*)(const ModelData&);

struct FindingSpec {
  int number;
  const char* claim;
  const char* rule;
  Judge judge;
};

const FindingSpec kFindings[] = {
    {1, "On Edge, the hybrid Quantization + Early Exit is fastest at a medium accuracy loss.",
     "sptq+early_exit @ edge is faster than every other configuration measured on edge, and its accuracy drop "
     "is larger than sptq's and at most 15 points.",
     finding1},
    {2, "When accuracy loss must be minimal, Quantization alone on Edge is preferred.",
     "Of sptq, early_exit and sptq+early_exit on edge, those faster than identity @ edge include sptq, and none "
     "of them drops less than sptq.",
     finding2},
    {3, "With constrained Mobile CPU/RAM, Mobile-Edge partitioning beats Mobile-only deployment.",
     "partition @ mobile-edge is faster than identity @ mobile, and sptq+early_exit+partition @ mobile-edge "
     "faster than sptq+early_exit @ mobile.",
     finding3},
    {4, "Small-input models (text) favour Cloud despite its slow link; large-input models (images) favour Edge.",
     "identity on cloud (text models) or on edge (image models) is faster than identity on each other tier of "
     "mobile, edge, cloud; overall it needs both a text and an image model judged.",
     finding4},
    {5,
     "Distilled SPTQ is fastest on Edge at a small-to-medium accuracy drop; Distilled alone beats QAT and "
     "Pruning on Mobile and Edge.",
     "distill+sptq @ edge is faster than every other configuration measured on edge and drops at most 15 "
     "points; distill is faster than qat and than prune on mobile and on edge.",
     finding5},
    {6, "Operators with distillation beat operators with partitioning on Mobile and Edge.",
     "distill and distill+sptq, each on mobile and on edge, are faster than sptq+partition @ mobile-edge.", finding6},
};

std::vector<int> findings_of(const std::string& study) {
  if (study == kBlackbox) return {1, 2, 3, 4};
  return {4, 5, 6};
}

// The layout's models, then any other model of the cells.
std::vector<std::string> models_to_judge(const std::vector<CellResult>& cells, const StudyLayout& layout) {
  std::vector<std::string> models = layout.models;
  for (const std::string& m : ordered_models(cells, layout)) {
    if (!contains(models, m)) models.push_back(m);
  }
  return models;
}

void overall(Finding* finding) {
  size_t judged = 0, holds = 0, fails = 0;
  bool text = false, image = false;
  for (const ModelFinding& m : finding->models) {
    if (m.verdict == Verdict::kNotMeasured) continue;
    ++judged;
    holds += m.verdict == Verdict::kHolds;
    fails += m.verdict == Verdict::kDoesNotHold;
    text = text || contains(kTextModels, m.model);
    image = image || contains(kImageModels, m.model);
  }
  finding->verdict = judged == 0       ? Verdict::kNotMeasured
                     : holds == judged ? Verdict::kHolds
                     : holds > 0       ? Verdict::kSomeModels
                     : fails > 0       ? Verdict::kDoesNotHold
                                       : Verdict::kInconclusive;
  if (finding->number != 4 || judged == 0 || (text && image)) return;
  finding->note = std::string("no ") + (text ? "image" : "text") + " model judged, so the claim's " +
                  (text ? "Edge" : "Cloud") + " half is untested";
  if (finding->verdict == Verdict::kHolds) finding->verdict = Verdict::kNotMeasured;
}

// "**holds** (judged on 3 of 4 models, 2 of them hold)".
std::string verdict_line(const Finding& finding) {
  size_t judged = 0, holds = 0;
  for (const ModelFinding& m : finding.models) {
    judged += m.verdict != Verdict::kNotMeasured;
    holds += m.verdict == Verdict::kHolds;
  }
  return std::string("**") + verdict_name(finding.verdict) + "** (judged on " + std::to_string(judged) + " of " +
         std::to_string(finding.models.size()) + " models, " + std::to_string(holds) + " of them hold" +
         (holds == 1 ? "s" : "") + ")";
}

std::string model_details(const ModelFinding& m) {
  Table table;
  table.header = {"A",         "B",   "median A (ms)", "median B (ms)", "Conover p (Holm)", "Cliff's delta (A vs B)",
                  "magnitude", "A is"};
  for (const LatencyComparison& c : m.comparisons) {
    table.rows.push_back({label(c.a), label(c.b), fixed_cell(c.median_a_ms, 2), fixed_cell(c.median_b_ms, 2),
                          p_value_cell(c.conover_p), fixed_cell(c.cliffs_delta, 3), cliff_magnitude_name(c.magnitude),
                          speed_name(c.speed)});
  }
  std::string out = "### " + model_display_name(m.model) + " (Kruskal-Wallis p = " + p_value_cell(m.kruskal_wallis_p) +
                    ")\n\n" + to_markdown(table);
  if (!m.drops.empty()) {
    out += "\nAccuracy drop below identity:";
    for (size_t i = 0; i < m.drops.size(); ++i) {
      out += std::string(i == 0 ? " " : "; ") + label(m.drops[i].config) + " " + points(m.drops[i].drop_points);
    }
    out += ".\n";
  }
  return out + "\n";
}

}  // namespace

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kHolds: return "holds";
    case Verdict::kDoesNotHold: return "does not hold";
    case Verdict::kSomeModels: return "holds for some models only";
    case Verdict::kNotMeasured: return "not measured";
    case Verdict::kInconclusive: return "inconclusive";
  }
  return "?";
}

const char* speed_name(Speed speed) {
  switch (speed) {
    case Speed::kFaster: return "faster";
    case Speed::kSlower: return "slower";
    case Speed::kNoDifference: return "no difference";
  }
  return "?";
}

Result<FindingsReport> judge_findings(const std::vector<CellResult>& all_cells, const std::string& study,
                                      Latency latency) {
  if (study != kBlackbox && study != kWhitebox) {
    return invalid_argument("findings: unknown study '" + study + "' (blackbox or whitebox)");
  }
  const std::vector<CellResult> cells = latest_cells(all_cells, study);
  const StudyLayout& layout = layout_for(study);
  std::vector<ModelData> models;
  for (const std::string& model : models_to_judge(cells, layout)) {
    ASSIGN_OR_RETURN(ModelData m, model_data(cells, layout, model, latency));
    models.push_back(std::move(m));
  }
  FindingsReport report{study, latency, {}};
  for (int number : findings_of(study)) {
    const FindingSpec& spec = kFindings[number - 1];
    Finding finding{number, spec.claim, spec.rule, Verdict::kNotMeasured, {}, {}};
    for (const ModelData& m : models) {
      if (number == 4 && !contains(kTextModels, m.model) && !contains(kImageModels, m.model)) continue;
      ASSIGN_OR_RETURN(ModelFinding f, spec.judge(m));
      if (f.verdict == Verdict::kDoesNotHold) {
        ModelData effects = m;
        effects.by_effect = true;
        ASSIGN_OR_RETURN(ModelFinding by_effect, spec.judge(effects));
        if (by_effect.verdict == Verdict::kHolds) {
          f.verdict = Verdict::kInconclusive;
          f.reason += "; by the effect sizes alone it holds (" + by_effect.reason +
                      "), but not significantly with these samples";
        }
      }
      finding.models.push_back(std::move(f));
    }
    overall(&finding);
    report.findings.push_back(std::move(finding));
  }
  return report;
}

std::string findings_markdown(const FindingsReport& report) {
  std::string out = "# Findings: " + report.study + " study, " + latency_name(report.latency) + " latency\n\n";
  out +=
      "\"A is faster than B\" when Kruskal-Wallis over the model's configurations and Conover's post-hoc p of "
      "the pair (Holm-adjusted) are both below " +
      p_value_cell(kAlpha) +
      " and Cliff's delta of A against B is negative and at least small (|delta| >= 0.147). A finding that "
      "holds on the effect sizes alone, but not significantly, is inconclusive: too few samples to tell. "
      "Medians in ms; accuracy drops in percentage points below identity.\n\n";
  for (const Finding& finding : report.findings) {
    out += "## Finding " + std::to_string(finding.number) + "\n\n> " + finding.claim + "\n\n" + verdict_line(finding) +
           "\n\nJudged as: " + finding.rule + "\n\n";
    if (!finding.note.empty()) out += "Note: " + finding.note + ".\n\n";
    Table summary;
    summary.header = {"model", "verdict", "why"};
    for (const ModelFinding& m : finding.models) {
      std::string why = m.reason;
      if (!m.missing.empty()) {
        why = "missing: ";
        for (size_t i = 0; i < m.missing.size(); ++i) why += (i == 0 ? "" : ", ") + m.missing[i];
      }
      summary.rows.push_back({model_display_name(m.model), verdict_name(m.verdict), why});
    }
    out += to_markdown(summary) + "\n";
    for (const ModelFinding& m : finding.models) {
      if (m.verdict != Verdict::kNotMeasured) out += model_details(m);
    }
  }
  return out;
}

}  // namespace edgerun::study
