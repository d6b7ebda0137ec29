#include "tools/bench_engine/study_run.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "kernels/cpu_features.h"
#include "tools/study/study_grid.h"
#include "tools/study/study_report.h"
#include "tools/study/study_results.h"

namespace edgerun {

namespace {

std::string cpu_model_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

std::string machine_description(int threads) {
  return cpu_model_name() + ", " + std::to_string(std::thread::hardware_concurrency()) + " cores, ISA " +
         kernels::isa_name(kernels::active_isa()) + ", " + std::to_string(threads) + " kernel thread(s)";
}

// The cells of one model and operator still to measure, in grid order.
struct CellGroup {
  std::string model, op;
  std::vector<std::string> placements;
};

std::vector<CellGroup> pending_groups(const study::StudyGrid& grid, const std::vector<study::CellResult>& done) {
  std::vector<CellGroup> groups;
  for (const study::GridCell& cell : grid.cells) {
    if (study::has_cell(done, {grid.study, cell.model, cell.op, cell.placement})) continue;
    auto g = std::find_if(groups.begin(), groups.end(),
                          [&](const CellGroup& x) { return x.model == cell.model && x.op == cell.op; });
    if (g == groups.end()) {
      groups.push_back({cell.model, cell.op, {cell.placement}});
    } else {
      g->placements.push_back(cell.placement);
    }
  }
  return groups;
}

const PlacementRow* find_row(const BenchReport& report, const std::string& placement, const std::string& latency) {
  for (const PlacementRow& r : report.rows) {
    if (r.placement == placement && r.latency == latency && !r.peer) return &r;
  }
  return nullptr;
}

// The cells of one group's report, one per placement.
std::vector<study::CellResult> cells_of(const study::StudyGrid& grid, const CellGroup& group,
                                        const BenchReport& report, const std::string& machine) {
  std::vector<study::CellResult> cells;
  for (const std::string& placement : group.placements) {
    const PlacementRow* warm = find_row(report, placement, "warm");
    const PlacementRow* cold = find_row(report, placement, "cold");
    study::CellResult cell;
    cell.study = grid.study;
    cell.model = group.model;
    cell.op = group.op;
    cell.placement = placement;
    if (warm) cell.warm_ms = warm->ms;
    if (cold) cell.cold_ms = cold->ms;
    for (const PlacementRow* r : {warm, cold}) {
      if (r == nullptr) continue;
      if (!std::isnan(r->peak_memory_mb)) {
        cell.peak_memory_mb = std::isnan(cell.peak_memory_mb) ? r->peak_memory_mb
                                                              : std::max(cell.peak_memory_mb, r->peak_memory_mb);
      }
      if (!std::isnan(r->bytes_over_link)) cell.bytes_over_link = r->bytes_over_link;
    }
    const AccuracySummary& a = report.accuracy;
    if (a.measured) {
      cell.metric = a.metric;
      cell.accuracy = a.percent;
      cell.accuracy_drop = a.drop;
      cell.per_sample_scores = a.sample_scores;
    }
    cell.machine = machine;
    cells.push_back(std::move(cell));
  }
  return cells;
}

}  // namespace

Status run_study(const StudyOptions& options, const BenchConfig& base) {
  ASSIGN_OR_RETURN(study::StudyGrid grid, study::study_grid(options.study, options.quick));
  const std::string dir = options.dir + "/" + grid.study + (grid.quick ? "-quick" : "");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return invalid_argument("--study-dir: cannot create '" + dir + "': " + ec.message());
  const std::string results_path = dir + "/results.jsonl";
  std::vector<study::CellResult> done;
  if (std::filesystem::exists(results_path)) {
    ASSIGN_OR_RETURN(study::ResultsFile file, study::read_results(results_path));
    if (!file.warning.empty()) std::printf("study      %s\n", file.warning.c_str());
    done = std::move(file.cells);
  }
  const std::vector<CellGroup> groups = pending_groups(grid, done);
  const std::string machine = machine_description(base.threads);
  size_t pending = 0;
  for (const CellGroup& g : groups) pending += g.placements.size();
  std::printf("study      %s%s: %zu cells, %zu to measure in %zu groups; results %s\n", grid.study.c_str(),
              grid.quick ? " (quick)" : "", grid.cells.size(), pending, groups.size(), results_path.c_str());
  std::string failures;
  const auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < groups.size(); ++i) {
    const CellGroup& group = groups[i];
    std::printf("\n=== [%zu/%zu] %s --op %s on", i + 1, groups.size(), group.model.c_str(), group.op.c_str());
    for (const std::string& p : group.placements) std::printf(" %s", p.c_str());
    std::printf(" (%.0f s so far)\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    std::fflush(stdout);
    BenchConfig config = base;
    config.model = group.model;
    config.op.op = group.op;
    config.placements = group.placements;
    config.inputs = grid.protocol.inputs;
    config.repetitions = grid.protocol.repetitions;
    config.dropped_repetitions = grid.protocol.dropped;
    config.accuracy_options.limit = grid.protocol.accuracy_limit;
    config.warm = config.cold = true;
    config.accuracy = true;
    config.ort_peer = false;  // peers are not cells of the study's grid
    config.log = stdout;
    auto report = run_bench(config);
    if (!report.ok()) {
      const std::string what = group.model + " --op " + group.op + ": " + report.status().to_string();
      std::printf("study      FAILED %s\n", what.c_str());
      failures += "\n  " + what;
      continue;
    }
    for (const study::CellResult& cell : cells_of(grid, group, report.value(), machine)) {
      RETURN_IF_ERROR(study::append_result(results_path, cell));
      done.push_back(cell);
    }
  }
  const std::vector<std::string> about = {
      "machine: " + machine,
      "command: bench_engine --study " + grid.study + (grid.quick ? " --quick" : ""),
      "protocol: " + std::to_string(grid.protocol.inputs) + " seeded inputs x " +
          std::to_string(grid.protocol.repetitions) + " repetitions, the first " +
          std::to_string(grid.protocol.dropped) + " dropped, warm and cold per cell; accuracy on the trained "
          "surrogates (" + (grid.protocol.accuracy_limit > 0 ? "first " + std::to_string(grid.protocol.accuracy_limit) +
                                                                   " test samples"
                                                             : std::string("whole test splits")) + ")",
      "latency of the full-size models with seeded random weights on emulated tiers (tools/tier/tiers.json)"};
  ASSIGN_OR_RETURN(std::vector<std::string> written, study::write_study_report(dir, grid.study, done, about));
  std::printf("\nstudy      measured %zu cells in %.0f s; wrote", pending,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  for (const std::string& f : written) std::printf(" %s", f.c_str());
  std::printf("\n           in %s\n", dir.c_str());
  if (!failures.empty()) return internal_error("study cells failed (rerun to retry them):" + failures);
  return Status::Ok();
}

}  // namespace edgerun
