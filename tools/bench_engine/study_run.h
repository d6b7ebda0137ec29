// bench_engine --study blackbox|whitebox [--quick]: runs a study's grid (tools/study/study_grid.h) cell
// group by cell group (one model and operator pipeline, all its placements, warm and cold), appending
// each finished cell to <dir>/results.jsonl (tools/study/study_results.h) so that a rerun skips what is
// done, then writes the study's tables, statistics, plots and findings into <dir>
// (tools/study/study_report.h). A group that fails is reported and the others still run; the run then
// fails naming it, and a rerun retries it.
#pragma once

#include <string>

#include "tools/bench_engine/bench_run.h"

namespace edgerun {

struct StudyOptions {
  std::string study;  // blackbox | whitebox
  bool quick = false;
  std::string dir = "study";  // the results file and reports go to <dir>/<study>[-quick]/
};

// `base` supplies what the grid does not set: threads, kernels, tiers, limit, cut, fallback.
Status run_study(const StudyOptions& options, const BenchConfig& base);

}  // namespace edgerun
