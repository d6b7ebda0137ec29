// The statistics of one model's configurations as the studies did them (../shared/STUDIES.md, "Protocol
// and statistics"), as tables (table_format.h), computed by statistics.h:
//   latency: Kruskal-Wallis over the latency samples of every configuration (operator @ placement) of
//            the model that has samples, then Conover's post-hoc test for every pair (Holm-adjusted over
//            all pairs) with Cliff's delta and its magnitude;
//   accuracy: Wilcoxon's signed-rank test of each operator's per-sample scores against identity's, paired
//            by test sample, with Cliff's delta, for the operators (and identity) that recorded them.
// Configurations in the layout's order (study_layout.h); the last cell of a repeated key.
#pragma once

#include <string>
#include <vector>

#include "graph/status.h"
#include "tools/study/study_layout.h"
#include "tools/study/study_results.h"
#include "tools/study/table_format.h"

namespace edgerun::study {

struct ModelStatistics {
  // model | latency | configurations | samples | H | df | p: one row; H, df and p are "-" when fewer
  // than two configurations have samples.
  Table kruskal_wallis;
  // configuration A | configuration B | median A (ms) | median B (ms) | Conover t | p (Holm) |
  // Cliff's delta (A vs B; > 0: A slower) | magnitude. Configurations read "sptq @ edge".
  Table latency_pairs;
  // operator | accuracy % | identity % | pairs | non-zero pairs | Wilcoxon W | p |
  // Cliff's delta (vs identity; > 0: operator scores higher) | magnitude.
  Table accuracy_pairs;
};

// Errors from statistics.h (per-sample score vectors of different lengths; Conover with no more samples
// than configurations) come back naming the model and configurations.
Result<ModelStatistics> model_statistics(const std::vector<CellResult>& cells, const std::string& study,
                                         const std::string& model, Latency latency);

}  // namespace edgerun::study
