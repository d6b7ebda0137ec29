// The studies' findings (../shared/STUDIES.md, "Their findings", claims 1-6) judged on a grid's results:
// for each claim that applies to a study, per model and overall, whether it holds, does not hold or could
// not be judged (and which cells were missing), with the numbers that decide it; and a Markdown "Findings"
// report of them.
//
// Which findings each study judges: black-box 1, 2, 3, 4 (its models are all images, so 4's text half is
// not measured there); white-box 4, 5, 6 (BERT/RoBERTa against ResNet/ResNeXt).
//
// "A is faster than B" (A, B two configurations "op @ placement" of one model) means all of:
//   - Kruskal-Wallis over every configuration of the model that has samples of the latency (warm or cold)
//     rejects "all the same" at kAlpha;
//   - Conover's post-hoc p-value of the pair, Holm-adjusted over all pairs of those configurations (the
//     same family, hence the same p-values, as statistics_tables.h prints), is below kAlpha;
//   - Cliff's delta of A's samples against B's is negative (A tends to be lower) and at least "small"
//     (|delta| >= 0.147): a significant but negligible difference does not make A faster.
// "B is faster than A" is the same test the other way round; anything else is "no difference". "A is the
// fastest of a set" means A is faster than every other member. Medians (ms) are reported alongside; they
// never decide on their own. Accuracy drops are CellResult::accuracy_drop, percentage points below identity.
//
// The claims as judged here, per model:
//   1. On Edge, QEE (sptq+early_exit) is fastest at a medium accuracy loss: sptq+early_exit @ edge is the
//      fastest of the model's configurations on edge (identity, sptq, early_exit and any other op measured
//      there), and its drop is larger than sptq's and at most kMediumDropMaxPoints.
//   2. When accuracy loss must be minimal, quantization alone on Edge is preferred: among the non-identity
//      operators on edge (sptq, early_exit, sptq+early_exit) that are faster than identity @ edge, sptq is
//      one and has the smallest drop (ties with sptq count for it).
//   3. Mobile-Edge partitioning beats Mobile-only: partition @ mobile-edge is faster than identity @ mobile,
//      and sptq+early_exit+partition @ mobile-edge faster than sptq+early_exit @ mobile.
//   4. Text models favour Cloud, image models Edge: identity on the expected tier (cloud for bert and
//      roberta, edge for resnet, resnext, fcn and duc) is faster than identity on each of the other two of
//      mobile, edge, cloud. Overall it holds only when both a text and an image model were judged.
//   5. DSPTQ (distill+sptq) is fastest on Edge at a small-to-medium drop, and distill beats qat and prune
//      on Mobile and Edge: distill+sptq @ edge is the fastest of the model's configurations on edge with a
//      drop of at most kMediumDropMaxPoints, and distill is faster than qat and than prune on mobile and on
//      edge.
//   6. Operators with distillation beat operators with partitioning on Mobile and Edge: distill and
//      distill+sptq, each on mobile and on edge, are faster than sptq+partition @ mobile-edge (the study's
//      only partitioning operator).
// A model lacking a needed cell (no cell, no samples of the latency, or no accuracy drop where one is
// needed) is "not measured" for that finding. Overall: not measured when no model was judged; holds when
// every judged model holds, does not hold when none does, otherwise holds for some models only. The
// study layout's models (study_layout.h) are always listed, so a model the grid never ran shows as
// not measured with its missing cells.
#pragma once

#include <string>
#include <vector>

#include "graph/status.h"
#include "tools/study/statistics.h"
#include "tools/study/study_layout.h"
#include "tools/study/study_results.h"

namespace edgerun::study {

// Significance level of Kruskal-Wallis and of the Holm-adjusted Conover p-values.
inline constexpr double kAlpha = 0.05;
// The largest accuracy drop (percentage points) that still counts as "medium" (finding 1) or "small to
// medium" (finding 5). The studies called QEE's drops of 7.6-12.4 points medium and DSPTQ's 1.3-2.3 points
// small-to-medium; beyond 15 points a drop is large.
inline constexpr double kMediumDropMaxPoints = 15.0;

enum class Verdict {
  kHolds,
  kDoesNotHold,
  kSomeModels,   // overall only: holds for some judged models, not for others
  kNotMeasured,  // cells missing
  // Holds when "faster" asks only for Cliff's delta of at least small, but some comparison it needs is
  // not significant: too few samples to tell (the quick grids' two per cell). Overall: no judged model
  // holds and none fails.
  kInconclusive,
};
const char* verdict_name(Verdict verdict);  // "holds", "does not hold", "holds for some models only", ...

enum class Speed { kFaster, kSlower, kNoDifference };  // A against B, by the rule above
const char* speed_name(Speed speed);                   // "faster", "slower", "no difference"

struct LatencyComparison {
  Config a, b;
  double median_a_ms = 0, median_b_ms = 0;
  double conover_p = 1;     // Holm-adjusted over the model's configurations
  double cliffs_delta = 0;  // A's samples against B's; < 0: A tends to be faster
  CliffMagnitude magnitude = CliffMagnitude::kNegligible;
  Speed speed = Speed::kNoDifference;
};

struct OperatorDrop {
  Config config;
  double drop_points = 0;  // CellResult::accuracy_drop
};

struct ModelFinding {
  std::string model;
  Verdict verdict = Verdict::kNotMeasured;  // kHolds, kDoesNotHold or kNotMeasured
  // What kept it from being judged: "sptq @ edge (warm latency)", "accuracy drop of sptq @ edge".
  std::vector<std::string> missing;
  double kruskal_wallis_p = kNotMeasured;  // over the model's configurations with samples
  std::vector<LatencyComparison> comparisons;
  std::vector<OperatorDrop> drops;
  std::string reason;  // one sentence: what decided the verdict
};

struct Finding {
  int number = 0;     // as STUDIES.md numbers them
  std::string claim;  // as the study stated it
  std::string rule;   // how it is judged here (the interpretation above)
  Verdict verdict = Verdict::kNotMeasured;
  std::vector<ModelFinding> models;  // in the layout's model order
  std::string note;                  // what the overall verdict could not cover ("no text model judged")
};

struct FindingsReport {
  std::string study;
  Latency latency = Latency::kWarm;
  std::vector<Finding> findings;  // in STUDIES.md's order
};

// Judges the findings of `study` (kBlackbox or kWhitebox; another name is invalid_argument) on the
// latest cell of each key of that study in `cells` (latest_cells), by `latency`. Errors of the statistics
// (a model whose configurations hold no more samples than there are configurations) come back naming the
// model.
Result<FindingsReport> judge_findings(const std::vector<CellResult>& cells, const std::string& study, Latency latency);

// "# Findings: <study> study, <latency> latency", the rule of "faster", then per finding "## Finding n":
// the claim quoted, the verdict in bold, the rule, a table of each model's verdict and reason, and per
// judged model its comparisons (medians ms, Conover p, Cliff's delta, magnitude, outcome) and accuracy
// drops; models not measured list their missing cells.
std::string findings_markdown(const FindingsReport& report);

}  // namespace edgerun::study
