// The studies' findings judged on synthetic grids whose answer is known by construction: each finding
// holding, failing (a configuration moved so the claimed one is slower, not significantly faster, or drops
// too much) and not measured (cells, samples or accuracy missing); the report naming its deciding numbers.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "tools/study/findings.h"
#include "tools/study/statistics_tables.h"

namespace edgerun::study {
namespace {

// `n` samples (100 unless told) evenly spread over median +- 0.99 ms: groups whose medians differ by 2 ms or more do
// not overlap (Cliff's delta +-1), groups 0.05 ms apart overlap almost entirely (|delta| ~ 0.05, negligible). So many
// that Holm's adjustment over the 171 pairs of a white-box model's 19 configurations still finds neighbouring groups
// apart, as the grids' 500 samples do.
std::vector<double> around(double median, int n) {
  std::vector<double> samples;
  for (int i = 0; i < n; ++i) samples.push_back(median + (i - (n - 1) / 2.0) * 1.98 / (n - 1));
  return samples;
}

struct Grid {
  std::string study;
  std::vector<CellResult> cells;
  int samples = 100;  // per cell added

  Grid& add(const std::string& model, const std::string& op, const std::string& placement, double median_ms,
            double drop = kNotMeasured) {
    CellResult c;
    c.study = study;
    c.model = model;
    c.op = op;
    c.placement = placement;
    c.warm_ms = around(median_ms, samples);
    c.accuracy_drop = drop;
    cells.push_back(c);
    return *this;
  }
};

// A black-box ResNet on which findings 1-3 hold and identity is fastest on edge (finding 4's image half).
// Later add() calls of the same key replace a cell (latest_cells), which the failing variants use.
Grid blackbox_holds() {
  Grid g{kBlackbox, {}};
  g.add("resnet", "identity", "mobile", 90, 0).add("resnet", "sptq", "mobile", 95, 0.4);
  g.add("resnet", "early_exit", "mobile", 80, 6).add("resnet", "sptq+early_exit", "mobile", 85, 7);
  g.add("resnet", "identity", "edge", 50, 0).add("resnet", "sptq", "edge", 30, 0.4);
  g.add("resnet", "early_exit", "edge", 40, 6).add("resnet", "sptq+early_exit", "edge", 20, 7);
  g.add("resnet", "identity", "cloud", 170, 0);
  g.add("resnet", "partition", "mobile-edge", 70, 0).add("resnet", "sptq+early_exit+partition", "mobile-edge", 60, 7);
  return g;
}

// A white-box grid: ResNet with findings 4-6 holding, BERT with identity fastest on cloud.
Grid whitebox_holds() {
  Grid g{kWhitebox, {}};
  const struct {
    const char* op;
    double mobile, edge, drop;
  } ops[] = {{"identity", 90, 50, 0}, {"sptq", 95, 30, 0.4},    {"qat", 100, 60, 1.1},
             {"prune", 88, 49, 1.2},  {"distill", 60, 25, 0.9}, {"distill+sptq", 55, 15, 1.3}};
  for (const auto& op : ops) {
    g.add("resnet", op.op, "mobile", op.mobile, op.drop).add("resnet", op.op, "edge", op.edge, op.drop);
    g.add("resnet", op.op, "cloud", 170, op.drop);
  }
  g.add("resnet", "sptq+partition", "mobile-edge", 70, 0.5);
  g.add("bert", "identity", "mobile", 50, 0)
      .add("bert", "identity", "edge", 27, 0)
      .add("bert", "identity", "cloud", 7, 0);
  return g;
}

FindingsReport judge(const Grid& g, Latency latency = Latency::kWarm) {
  auto report = judge_findings(g.cells, g.study, latency);
  REQUIRE(report.ok());
  return *report;
}

const Finding& finding(const FindingsReport& report, int number) {
  for (const Finding& f : report.findings) {
    if (f.number == number) return f;
  }
  FAIL("finding " << number << " not judged");
  return report.findings.front();
}

const ModelFinding& model(const Finding& f, const std::string& name) {
  for (const ModelFinding& m : f.models) {
    if (m.model == name) return m;
  }
  FAIL("model " << name << " not in finding " << f.number);
  return f.models.front();
}

const LatencyComparison& comparison(const ModelFinding& m, const std::string& a, const std::string& b) {
  for (const LatencyComparison& c : m.comparisons) {
    if (c.a.op + " @ " + c.a.placement == a && c.b.op + " @ " + c.b.placement == b) return c;
  }
  FAIL(a << " vs " << b << " not compared");
  return m.comparisons.front();
}

bool mentions(const std::vector<std::string>& list, const std::string& s) {
  for (const std::string& item : list) {
    if (item == s) return true;
  }
  return false;
}

TEST_CASE("study findings: black-box findings 1-3 hold on a grid built for them") {
  const FindingsReport report = judge(blackbox_holds());
  REQUIRE(report.findings.size() == 4);
  for (int n : {1, 2, 3}) {
    CAPTURE(n);
    CHECK(finding(report, n).verdict == Verdict::kHolds);
    CHECK(model(finding(report, n), "resnet").verdict == Verdict::kHolds);
  }
  // QEE against sptq on edge: 10 ms apart, no overlap.
  const LatencyComparison& c = comparison(model(finding(report, 1), "resnet"), "sptq+early_exit @ edge", "sptq @ edge");
  CHECK(c.median_a_ms == doctest::Approx(20));
  CHECK(c.median_b_ms == doctest::Approx(30));
  CHECK(c.cliffs_delta == -1);
  CHECK(c.magnitude == CliffMagnitude::kLarge);
  CHECK(c.conover_p < kAlpha);
  CHECK(c.speed == Speed::kFaster);
  // The other models of the layout were never run: listed, not measured, naming their cells.
  const ModelFinding& resnext = model(finding(report, 1), "resnext");
  CHECK(resnext.verdict == Verdict::kNotMeasured);
  CHECK(mentions(resnext.missing, "sptq+early_exit @ edge (warm latency)"));
  CHECK(mentions(resnext.missing, "accuracy drop of sptq @ edge"));
}

TEST_CASE("study findings: the Conover p-value is the one the statistics tables print for the pair") {
  const Grid g = blackbox_holds();
  const FindingsReport report = judge(g);
  const LatencyComparison& c =
      comparison(model(finding(report, 3), "resnet"), "partition @ mobile-edge", "identity @ mobile");
  auto stats = model_statistics(g.cells, kBlackbox, "resnet", Latency::kWarm);
  REQUIRE(stats.ok());
  bool found = false;
  for (const auto& row : stats->latency_pairs.rows) {
    if (row[0] == "identity @ mobile" && row[1] == "partition @ mobile-edge") {
      found = true;
      CHECK(row[5] == p_value_cell(c.conover_p));
      CHECK(row[6] == fixed_cell(-c.cliffs_delta, 3));  // the table has the pair the other way round
    }
  }
  CHECK(found);
}

TEST_CASE("study findings: finding 1 fails when another edge operator is faster, or not significantly slower") {
  SUBCASE("sptq faster than QEE") {
    Grid g = blackbox_holds();
    g.add("resnet", "sptq", "edge", 15, 0.4);
    const FindingsReport report = judge(g);
    const ModelFinding& m = model(finding(report, 1), "resnet");
    CHECK(m.verdict == Verdict::kDoesNotHold);
    CHECK(comparison(m, "sptq+early_exit @ edge", "sptq @ edge").speed == Speed::kSlower);
    CHECK(m.reason.find("not faster than sptq @ edge (slower)") != std::string::npos);
  }
  SUBCASE("QEE's median lower than sptq's by a negligible margin") {
    Grid g = blackbox_holds();
    g.add("resnet", "sptq", "edge", 20.05, 0.4);
    const FindingsReport report = judge(g);
    const ModelFinding& m = model(finding(report, 1), "resnet");
    const LatencyComparison& c = comparison(m, "sptq+early_exit @ edge", "sptq @ edge");
    CHECK(c.median_a_ms < c.median_b_ms);
    CHECK(c.magnitude == CliffMagnitude::kNegligible);
    CHECK(c.speed == Speed::kNoDifference);
    CHECK(m.verdict == Verdict::kDoesNotHold);
    CHECK(m.reason.find("sptq @ edge (no difference)") != std::string::npos);
  }
}

TEST_CASE("study findings: finding 1's accuracy loss must be above sptq's and at most medium") {
  Grid g = blackbox_holds();
  SUBCASE("drop at the medium limit holds") {
    g.add("resnet", "sptq+early_exit", "edge", 20, kMediumDropMaxPoints);
    CHECK(model(finding(judge(g), 1), "resnet").verdict == Verdict::kHolds);
  }
  SUBCASE("drop over the medium limit") {
    g.add("resnet", "sptq+early_exit", "edge", 20, kMediumDropMaxPoints + 0.5);
    CHECK(model(finding(judge(g), 1), "resnet").verdict == Verdict::kDoesNotHold);
  }
  SUBCASE("drop below sptq's") {
    g.add("resnet", "sptq+early_exit", "edge", 20, 0.3);
    CHECK(model(finding(judge(g), 1), "resnet").verdict == Verdict::kDoesNotHold);
  }
}

TEST_CASE("study findings: finding 2 fails when a faster operator drops less, or sptq is not faster") {
  SUBCASE("early exit faster than identity with a smaller drop") {
    Grid g = blackbox_holds();
    g.add("resnet", "early_exit", "edge", 40, 0.2);
    const FindingsReport report = judge(g);
    const ModelFinding& m = model(finding(report, 2), "resnet");
    CHECK(m.verdict == Verdict::kDoesNotHold);
    CHECK(m.reason.find("early_exit @ edge") != std::string::npos);
  }
  SUBCASE("a slower early exit with a smaller drop does not count") {
    Grid g = blackbox_holds();
    g.add("resnet", "early_exit", "edge", 60, 0.2);
    CHECK(model(finding(judge(g), 2), "resnet").verdict == Verdict::kHolds);
  }
  SUBCASE("sptq as slow as identity") {
    Grid g = blackbox_holds();
    g.add("resnet", "sptq", "edge", 50, 0.4);
    const FindingsReport report = judge(g);
    const ModelFinding& m = model(finding(report, 2), "resnet");
    CHECK(comparison(m, "sptq @ edge", "identity @ edge").speed == Speed::kNoDifference);
    CHECK(m.verdict == Verdict::kDoesNotHold);
  }
}

TEST_CASE("study findings: finding 3 fails when a partitioned pipeline is slower than mobile-only") {
  Grid g = blackbox_holds();
  g.add("resnet", "partition", "mobile-edge", 100, 0);
  const FindingsReport report = judge(g);
  const ModelFinding& m = model(finding(report, 3), "resnet");
  CHECK(m.verdict == Verdict::kDoesNotHold);
  CHECK(comparison(m, "partition @ mobile-edge", "identity @ mobile").speed == Speed::kSlower);
  CHECK(comparison(m, "sptq+early_exit+partition @ mobile-edge", "sptq+early_exit @ mobile").speed == Speed::kFaster);
  CHECK(m.reason == "partition @ mobile-edge is not faster than identity @ mobile (slower)");
}

TEST_CASE("study findings: a significant but negligible difference is no difference") {
  // Only finding 3's cells, 4000 samples each: partition 0.1 ms below identity @ mobile gives Cliff's delta
  // about -0.1 (negligible) that Conover still finds significant.
  Grid g{kBlackbox, {}, 4000};
  g.add("resnet", "identity", "mobile", 90).add("resnet", "partition", "mobile-edge", 89.9);
  g.add("resnet", "sptq+early_exit", "mobile", 85).add("resnet", "sptq+early_exit+partition", "mobile-edge", 60);
  const FindingsReport report = judge(g);
  const ModelFinding& m = model(finding(report, 3), "resnet");
  const LatencyComparison& c = comparison(m, "partition @ mobile-edge", "identity @ mobile");
  CHECK(c.conover_p < kAlpha);
  CHECK(c.cliffs_delta < 0);
  CHECK(c.magnitude == CliffMagnitude::kNegligible);
  CHECK(c.speed == Speed::kNoDifference);
  CHECK(m.verdict == Verdict::kDoesNotHold);
}

TEST_CASE("study findings: missing cells, samples and accuracy make a finding not measured, naming them") {
  SUBCASE("a cell and an accuracy drop missing") {
    Grid g = blackbox_holds();
    g.cells.erase(g.cells.begin() + 5);  // sptq @ edge
    g.add("resnet", "sptq+early_exit", "edge", 20);
    const FindingsReport report = judge(g);
    const ModelFinding& m1 = model(finding(report, 1), "resnet");
    CHECK(m1.verdict == Verdict::kNotMeasured);
    CHECK(m1.missing == std::vector<std::string>{"sptq @ edge (warm latency)", "accuracy drop of sptq @ edge",
                                                 "accuracy drop of sptq+early_exit @ edge"});
    CHECK(m1.comparisons.empty());
    CHECK(finding(report, 1).verdict == Verdict::kNotMeasured);
    CHECK(finding(report, 2).verdict == Verdict::kNotMeasured);
    CHECK(finding(report, 3).verdict == Verdict::kHolds);  // needs neither
  }
  SUBCASE("cold latency never measured") {
    const FindingsReport report = judge(blackbox_holds(), Latency::kCold);
    for (const Finding& f : report.findings) CHECK(f.verdict == Verdict::kNotMeasured);
    CHECK(mentions(model(finding(report, 3), "resnet").missing, "partition @ mobile-edge (cold latency)"));
  }
}

TEST_CASE("study findings: finding 4 needs both a text and an image model") {
  SUBCASE("black-box: images only, so not measured though ResNet favours edge") {
    const FindingsReport report = judge(blackbox_holds());
    const Finding& f = finding(report, 4);
    CHECK(model(f, "resnet").verdict == Verdict::kHolds);
    CHECK(f.verdict == Verdict::kNotMeasured);
    CHECK(f.note.find("no text model") != std::string::npos);
  }
  SUBCASE("white-box: BERT favours cloud, ResNet edge") {
    const FindingsReport report = judge(whitebox_holds());
    const Finding& f = finding(report, 4);
    CHECK(model(f, "bert").verdict == Verdict::kHolds);
    CHECK(model(f, "resnet").verdict == Verdict::kHolds);
    CHECK(f.verdict == Verdict::kHolds);
    CHECK(f.note.empty());
  }
  SUBCASE("white-box: BERT fastest on edge") {
    Grid g = whitebox_holds();
    g.add("bert", "identity", "cloud", 40, 0);
    const FindingsReport report = judge(g);
    const Finding& f = finding(report, 4);
    const ModelFinding& bert = model(f, "bert");
    CHECK(bert.verdict == Verdict::kDoesNotHold);
    CHECK(bert.reason == "identity is fastest on edge, expected cloud");
    CHECK(f.verdict == Verdict::kSomeModels);
  }
}

TEST_CASE("study findings: white-box findings 5 and 6") {
  SUBCASE("hold on the grid built for them") {
    const FindingsReport report = judge(whitebox_holds());
    REQUIRE(report.findings.size() == 3);
    CHECK(finding(report, 5).verdict == Verdict::kHolds);
    CHECK(finding(report, 6).verdict == Verdict::kHolds);
    CHECK(model(finding(report, 5), "bert").verdict == Verdict::kNotMeasured);
    CHECK(mentions(model(finding(report, 6), "bert").missing, "sptq+partition @ mobile-edge (warm latency)"));
  }
  SUBCASE("5 fails when QAT beats distillation on mobile") {
    Grid g = whitebox_holds();
    g.add("resnet", "qat", "mobile", 50, 1.1);
    const FindingsReport report = judge(g);
    const ModelFinding& m = model(finding(report, 5), "resnet");
    CHECK(m.verdict == Verdict::kDoesNotHold);
    CHECK(comparison(m, "distill @ mobile", "qat @ mobile").speed == Speed::kSlower);
    CHECK(m.reason == "distill @ mobile is not faster than qat @ mobile (slower)");
  }
  SUBCASE("6 fails when SPTQ-partition beats distillation") {
    Grid g = whitebox_holds();
    g.add("resnet", "sptq+partition", "mobile-edge", 20, 0.5);
    const FindingsReport report = judge(g);
    const ModelFinding& m = model(finding(report, 6), "resnet");
    CHECK(m.verdict == Verdict::kDoesNotHold);
    CHECK(comparison(m, "distill+sptq @ edge", "sptq+partition @ mobile-edge").speed == Speed::kFaster);
    CHECK(comparison(m, "distill @ edge", "sptq+partition @ mobile-edge").speed == Speed::kSlower);
  }
}

TEST_CASE("study findings: the Markdown report names claims, verdicts and deciding numbers") {
  const std::string md = findings_markdown(judge(blackbox_holds()));
  for (const char* text :
       {"# Findings: blackbox study, warm latency\n",
        "## Finding 1\n\n> On Edge, the hybrid Quantization + Early Exit "
        "is fastest at a medium accuracy loss.\n\n**holds** (judged on 1 of 4 models, 1 of them holds)",
        "| ResNet | holds | fastest on edge, dropping 7.00 points against sptq's 0.40 points |",
        "| sptq+early_exit @ edge | sptq @ edge | 20.00 | 30.00 |", "| -1.000 | large | faster |",
        "Accuracy drop below identity: sptq @ edge 0.40 points; sptq+early_exit @ edge 7.00 points.",
        "| ResNeXt | not measured | missing: identity @ edge (warm latency), sptq @ edge (warm latency)",
        "## Finding 4", "**not measured** (judged on 1 of 4 models, 1 of them holds)", "Note: no text model judged"}) {
    CAPTURE(text);
    CHECK(md.find(text) != std::string::npos);
  }
}

TEST_CASE("study findings: an unknown study is refused") {
  auto report = judge_findings({}, "greybox", Latency::kWarm);
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace edgerun::study

namespace edgerun::study {
namespace {

TEST_CASE("study findings: too few samples to confirm is inconclusive, an effect the wrong way still fails") {
  Grid g = blackbox_holds();
  // The quick grids' two samples per cell: every group apart (delta -1), nothing significant over 91 pairs.
  for (CellResult& c : g.cells) c.warm_ms = around(c.warm_ms[49], 2);
  const FindingsReport few = judge(g);
  const ModelFinding& m = model(finding(few, 1), "resnet");
  CHECK(comparison(m, "sptq+early_exit @ edge", "sptq @ edge").speed == Speed::kNoDifference);
  CHECK(m.verdict == Verdict::kInconclusive);
  CHECK(m.reason.find("not significantly with these samples") != std::string::npos);
  CHECK(finding(few, 1).verdict == Verdict::kInconclusive);
  // The same two samples with sptq the faster one: the effect contradicts the claim.
  for (CellResult& c : g.cells) {
    if (c.op == "sptq" && c.placement == "edge") c.warm_ms = around(15, 2);
  }
  const FindingsReport contradicted = judge(g);
  CHECK(model(finding(contradicted, 1), "resnet").verdict == Verdict::kDoesNotHold);
  CHECK(finding(contradicted, 1).verdict == Verdict::kDoesNotHold);
}

}  // namespace
}  // namespace edgerun::study
