// The accuracy figure bench_engine's tables and the study grids report for one operator pipeline: the
// trained surrogate's primary metric after the pipeline (surrogate_accuracy.h; early exit:
// early_exit_bench.h), its drop against the identity surrogate, and both models' per-sample scores for
// the paired test (Wilcoxon) the studies ran on accuracy.
#pragma once

#include <limits>
#include <string>
#include <vector>

namespace edgerun {

struct AccuracySummary {
  bool measured = false;
  std::string note;    // what was measured ("sptq: fp32, quantized by sptq (...)"), or why nothing was
  std::string metric;  // "top1", "f1", "mIoU", ...
  double percent = std::numeric_limits<double>::quiet_NaN();
  double drop = std::numeric_limits<double>::quiet_NaN();  // identity's minus this, in points
  std::vector<double> sample_scores;           // data::sample_score per test sample, in test-set order
  std::vector<double> identity_sample_scores;  // the same samples on the identity surrogate
};

}  // namespace edgerun
