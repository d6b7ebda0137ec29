// What a study grid writes from its results file (bench_engine --study): into one folder,
//   tables_warm.md / .tex, tables_cold.md / .tex   the study's table layout (study_tables.h), medians in ms;
//   statistics.md                                   per model and latency kind (statistics_tables.h);
//   plot_<model>_<placement>.svg                    accuracy vs warm median latency per tier, Pareto front
//                                                   marked (pareto_plot.h);
//   findings.md                                     each of the study's findings, holds or not (findings.h);
//   report.md                                       all of the above in one page, plots linked.
#pragma once

#include <string>
#include <vector>

#include "graph/status.h"
#include "tools/study/study_results.h"

namespace edgerun::study {

// `cells`: the results file's cells (any study; only `study`'s are used, the last of a repeated key).
// `about`: lines that head report.md (the machine, the command, the protocol). Returns the files written.
Result<std::vector<std::string>> write_study_report(const std::string& dir, const std::string& study,
                                                    const std::vector<CellResult>& cells,
                                                    const std::vector<std::string>& about);

}  // namespace edgerun::study
