// The study grids (study_grid.h) follow the tables' layout, and a grid's report (study_report.h) writes
// every file it names, with the measured medians in its tables.
#include "tools/study/study_report.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tools/study/study_grid.h"
#include "tools/study/study_layout.h"

namespace edgerun::study {
namespace {

namespace fs = std::filesystem;

size_t count_cells(const StudyGrid& grid, const std::string& model) {
  return static_cast<size_t>(
      std::count_if(grid.cells.begin(), grid.cells.end(), [&](const GridCell& c) { return c.model == model; }));
}

TEST_CASE("study grids: every configuration of the layout for every model; quick keeps the layout") {
  for (const std::string study : {kBlackbox, kWhitebox}) {
    const StudyLayout layout = layout_for(study);
    size_t per_model = 0;
    for (const LayoutColumn& column : layout.columns) per_model += column.configs.size();
    const StudyGrid full = study_grid(study, false).value();
    const StudyGrid quick = study_grid(study, true).value();
    CHECK(full.models == layout.models);
    CHECK(full.cells.size() == per_model * layout.models.size());
    CHECK(quick.cells.size() == per_model * quick.models.size());
    for (const std::string& model : quick.models) {
      CHECK(std::find(layout.models.begin(), layout.models.end(), model) != layout.models.end());
      CHECK(count_cells(quick, model) == per_model);
    }
    CHECK(quick.protocol.repetitions > quick.protocol.dropped);
    CHECK(full.protocol.inputs * (full.protocol.repetitions - full.protocol.dropped) >
          quick.protocol.inputs * (quick.protocol.repetitions - quick.protocol.dropped));
  }
  // Finding 4 sets a text model against an image model: the white-box quick grid keeps one of each.
  const StudyGrid quick = study_grid(kWhitebox, true).value();
  CHECK(std::find(quick.models.begin(), quick.models.end(), "bert") != quick.models.end());
  CHECK(std::find(quick.models.begin(), quick.models.end(), "resnet") != quick.models.end());
  CHECK(study_grid("greybox", true).status().message().find("blackbox or whitebox") != std::string::npos);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

CellResult cell(const std::string& op, const std::string& placement, std::vector<double> warm, double accuracy) {
  CellResult c;
  c.study = kBlackbox;
  c.model = "resnet";
  c.op = op;
  c.placement = placement;
  c.warm_ms = std::move(warm);
  for (double ms : c.warm_ms) c.cold_ms.push_back(ms * 10);
  c.metric = "top1";
  c.accuracy = accuracy;
  c.accuracy_drop = 90 - accuracy;
  c.per_sample_scores = {100, 0, 100, 100, accuracy > 85 ? 100.0 : 0.0};
  return c;
}

TEST_CASE("study report: tables, statistics, a plot per tier and the page linking them") {
  const std::string dir = (fs::temp_directory_path() / ("edgerun_report_" + std::to_string(getpid()))).string();
  fs::remove_all(dir);
  const std::vector<CellResult> cells = {
      cell("identity", "edge", {50, 52, 54}, 90), cell("sptq", "edge", {20, 21, 23}, 89.5),
      cell("identity", "mobile", {100, 104, 108}, 90), cell("sptq", "mobile", {40, 41, 42}, 89.5)};
  const auto written = write_study_report(dir, kBlackbox, cells, {"machine: test"});
  REQUIRE(written.ok());
  for (const std::string& f : written.value()) CHECK(fs::exists(dir + "/" + f));
  for (const char* f : {"tables_warm.md", "tables_cold.tex", "statistics.md", "findings.md", "plot_resnet_edge.svg",
                        "plot_resnet_mobile.svg", "report.md"}) {
    CHECK(std::find(written.value().begin(), written.value().end(), f) != written.value().end());
  }
  // Medians: identity on edge 52, sptq 21; cold ten times that.
  const std::string warm = read_text(dir + "/tables_warm.md"), cold = read_text(dir + "/tables_cold.md");
  CHECK(warm.find("52") != std::string::npos);
  CHECK(warm.find("21") != std::string::npos);
  CHECK(cold.find("520") != std::string::npos);
  const std::string report = read_text(dir + "/report.md");
  CHECK(report.find("- machine: test") != std::string::npos);
  CHECK(report.find("](plot_resnet_edge.svg)") != std::string::npos);
  CHECK(read_text(dir + "/statistics.md").find("Kruskal") != std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace edgerun::study
