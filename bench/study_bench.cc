// edgerun_study_bench: the cells of both studies' grids (tools/study/study_grid.h, the full grids) as
// Google Benchmarks, one per (study, model, op, placement), named study/<study>/<model>/<op>/<placement>
// (Google Benchmark appends /manual_time), plus study/<study>/<model>/<op>/local per (model, op): the
// model run in this process, no tier.
// An iteration is one warm request through the placement's edgerun-serve tiers (run_placed_request),
// timed end to end by the client (manual time); bench_engine's defaults otherwise (study_cell.h).
// A benchmark builds its model and starts its tiers when it runs, so a filter builds only what it selects:
//   build/bench/edgerun_study_bench --benchmark_filter='study/whitebox/bert/sptq/(edge|local)/'
//   build/bench/edgerun_study_bench --benchmark_filter='study/blackbox/resnet/sptq\+early_exit/' --benchmark_out=x.json
//   (a '+' in an op name is a regex operator: escape it)
// Counters:
//   accuracy       the trained surrogate's primary metric after the op, percent (first 500 test samples)
//   accuracy_drop  the identity surrogate's minus that, in points
//   bytes_shipped  bytes all links carried per request, request and response bodies, the client's link
//                  included (a single tier ships the input and the outputs); 0 for local
//   arena_bytes    the plan's activation arena (engine/plan.h), as compiled in this process
// A cell that cannot run (no surrogate, a tier that fails) is skipped with the error as its message.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "bench/study_cell.h"
#include "tools/bench_engine/bench_run.h"
#include "tools/placement/placed_request.h"
#include "tools/study/study_grid.h"
#include "tools/study/study_results.h"

namespace edgerun {
namespace {

constexpr int64_t kAccuracyLimit = 500;  // test samples: the quick grid's quarter of a split

StudyCellCache& cache() {
  static StudyCellCache cells(EDGERUN_SERVE_BINARY);
  return cells;
}

struct CellName {
  std::string study, model, op, placement;
};

void skip(benchmark::State& state, const Status& status) { state.SkipWithError(status.to_string().c_str()); }

// Runs of the compiled session; false after a failed run (the state skipped).
bool time_local(benchmark::State& state, DeployedCell& cell) {
  std::vector<NamedTensor> outputs;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const Status status = cell.deployed.session->run(cell.inputs, &outputs);
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    if (!status.ok()) {
      skip(state, status);
      return false;
    }
  }
  return true;
}

// Requests through the placement; *bytes gets the bytes all links carried, summed over the requests.
bool time_placed(benchmark::State& state, DeployedCell& cell, PlacedCell& placed, double* bytes) {
  for (auto _ : state) {
    auto outcome = run_placed_request(*placed.servers, cell.inputs, placed.cut, *cell.deployed.session, false);
    if (!outcome.ok()) {
      skip(state, outcome.status());
      return false;
    }
    const RequestRecord& r = outcome->record;
    state.SetIterationTime(r.total_ms / 1e3);
    *bytes += static_cast<double>(std::accumulate(r.link_bytes.begin(), r.link_bytes.end(), int64_t{0}));
  }
  return true;
}

void bench_cell(benchmark::State& state, const CellName& name) {
  auto cell = cache().deployed(name.model, name.op);
  if (!cell.ok()) return skip(state, cell.status());
  auto accuracy = cache().accuracy(name.model, name.op, kAccuracyLimit);
  if (!accuracy.ok()) return skip(state, accuracy.status());
  double bytes = 0;
  if (name.placement == kLocalPlacement) {
    if (!time_local(state, **cell)) return;
  } else {
    auto placed = cache().placed(name.model, name.op, name.placement);
    if (!placed.ok()) return skip(state, placed.status());
    if (!time_placed(state, **cell, **placed, &bytes)) return;
  }
  state.counters["accuracy"] = accuracy->percent;
  state.counters["accuracy_drop"] = accuracy->drop;
  state.counters["bytes_shipped"] = benchmark::Counter(bytes, benchmark::Counter::kAvgIterations);
  state.counters["arena_bytes"] = static_cast<double>((*cell)->arena_bytes);
}

void register_cell(CellName name) {
  const std::string full = "study/" + name.study + "/" + name.model + "/" + name.op + "/" + name.placement;
  benchmark::RegisterBenchmark(full.c_str(), [name = std::move(name)](benchmark::State& s) { bench_cell(s, name); })
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
}

// Grouped by (model, op) in the grid's order, local first, so an unfiltered run builds each model once.
void register_study(const std::string& study) {
  const Result<study::StudyGrid> grid = study::study_grid(study, false);
  std::vector<std::pair<std::string, std::string>> groups;
  for (const study::GridCell& c : grid->cells) {
    if (std::find(groups.begin(), groups.end(), std::make_pair(c.model, c.op)) == groups.end()) {
      groups.emplace_back(c.model, c.op);
    }
  }
  for (const auto& [model, op] : groups) {
    register_cell({study, model, op, kLocalPlacement});
    for (const study::GridCell& c : grid->cells) {
      if (c.model == model && c.op == op) register_cell({study, model, op, c.placement});
    }
  }
}

}  // namespace
}  // namespace edgerun

int main(int argc, char** argv) {
  for (const char* study : {edgerun::study::kBlackbox, edgerun::study::kWhitebox}) edgerun::register_study(study);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  edgerun::cache().clear();  // the last cell's tiers stop now, not in a static destructor
  benchmark::Shutdown();
  return 0;
}
