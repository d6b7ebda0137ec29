#include "tools/study/study_report.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "tools/common/latency_stats.h"
#include "tools/study/findings.h"
#include "tools/study/pareto_plot.h"
#include "tools/study/statistics_tables.h"
#include "tools/study/study_layout.h"
#include "tools/study/study_tables.h"
#include "tools/study/table_format.h"

namespace edgerun::study {

namespace {

Status write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) return invalid_argument("cannot write '" + path + "'");
  return Status::Ok();
}

std::string statistics_section(const std::vector<CellResult>& cells, const std::string& study,
                               const StudyLayout& layout, std::string* error) {
  std::string out = "# Statistics\n\nLatency: Kruskal-Wallis over a model's configurations, then Conover's "
                    "pairwise post-hoc test (Holm-adjusted) with Cliff's delta. Accuracy: Wilcoxon's signed-rank "
                    "test of each operator's per-sample scores against identity's, with Cliff's delta.\n";
  for (const std::string& model : ordered_models(cells, layout)) {
    for (const Latency latency : {Latency::kWarm, Latency::kCold}) {
      auto stats = model_statistics(cells, study, model, latency);
      if (!stats.ok()) {
        *error += stats.status().to_string() + "\n";
        continue;
      }
      out += "\n## " + model_display_name(model) + ", " + latency_name(latency) + " latency\n\n" +
             to_markdown(stats.value().kruskal_wallis) + "\n" + to_markdown(stats.value().latency_pairs);
      if (latency == Latency::kWarm && !stats.value().accuracy_pairs.rows.empty()) {
        out += "\n### " + model_display_name(model) + ", accuracy against identity\n\n" +
               to_markdown(stats.value().accuracy_pairs);
      }
    }
  }
  return out;
}

// One plot per model and placement: every operator measured there.
Status write_plots(const std::string& dir, const std::vector<CellResult>& cells, const StudyLayout& layout,
                   std::vector<std::string>* written) {
  for (const std::string& model : ordered_models(cells, layout)) {
    std::vector<std::string> placements;
    for (const CellResult* c : model_cells(cells, layout, model)) {
      if (std::find(placements.begin(), placements.end(), c->placement) == placements.end()) {
        placements.push_back(c->placement);
      }
    }
    for (const std::string& placement : placements) {
      std::vector<PlotPoint> points;
      std::string metric;
      for (const CellResult* c : model_cells(cells, layout, model)) {
        if (c->placement != placement) continue;
        points.push_back({c->op, c->warm_ms.empty() ? kNotMeasured : summarize(c->warm_ms).median, c->accuracy});
        if (metric.empty()) metric = c->metric;
      }
      const std::string name = "plot_" + model + "_" + placement + ".svg";
      const std::string title = model_display_name(model) + " on " + placement + ": accuracy vs warm latency";
      RETURN_IF_ERROR(write_svg(dir + "/" + name, accuracy_latency_svg(title, metric, points)));
      written->push_back(name);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::string>> write_study_report(const std::string& dir, const std::string& study,
                                                    const std::vector<CellResult>& all_cells,
                                                    const std::vector<std::string>& about) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return invalid_argument("cannot create '" + dir + "': " + ec.message());
  const std::vector<CellResult> cells = latest_cells(all_cells, study);
  const StudyLayout layout = layout_for(study);
  std::vector<std::string> written;
  std::string report = "# " + std::string(study == kBlackbox ? "Black-box" : "White-box") + " study on edgerun\n\n";
  for (const std::string& line : about) report += "- " + line + "\n";
  for (const Latency latency : {Latency::kWarm, Latency::kCold}) {
    const Table table = study == kBlackbox ? blackbox_table(cells, latency) : whitebox_table(cells, latency);
    const std::string base = std::string("tables_") + latency_name(latency);
    RETURN_IF_ERROR(write_text(dir + "/" + base + ".md", to_markdown(table)));
    RETURN_IF_ERROR(write_text(dir + "/" + base + ".tex", to_latex(table)));
    written.push_back(base + ".md");
    written.push_back(base + ".tex");
    report += "\n## Median " + std::string(latency_name(latency)) + " latency (ms) and accuracy\n\n" +
              to_markdown(table);
  }
  std::string errors;
  const std::string statistics = statistics_section(cells, study, layout, &errors);
  if (!errors.empty()) return invalid_argument("statistics: " + errors);
  RETURN_IF_ERROR(write_text(dir + "/statistics.md", statistics));
  written.push_back("statistics.md");
  std::vector<std::string> plots;
  RETURN_IF_ERROR(write_plots(dir, cells, layout, &plots));
  report += "\n## Accuracy vs latency per tier\n\n";
  for (const std::string& p : plots) report += "![" + p + "](" + p + ")\n";
  written.insert(written.end(), plots.begin(), plots.end());
  std::string findings;
  for (const Latency latency : {Latency::kWarm, Latency::kCold}) {
    ASSIGN_OR_RETURN(FindingsReport judged, judge_findings(cells, study, latency));
    findings += findings_markdown(judged) + "\n";
  }
  RETURN_IF_ERROR(write_text(dir + "/findings.md", findings));
  written.push_back("findings.md");
  report += "\n" + findings;
  report += "\nStatistics: [statistics.md](statistics.md).\n";
  RETURN_IF_ERROR(write_text(dir + "/report.md", report));
  written.push_back("report.md");
  return written;
}

}  // namespace edgerun::study
