#include "bench/study_cell.h"

#include "engine/plan.h"
#include "tools/bench_engine/bench_run.h"
#include "tools/bench_engine/early_exit_bench.h"
#include "tools/bench_engine/surrogate_accuracy.h"
#include "tools/common/kernel_options.h"
#include "tools/common/model_inputs.h"
#include "tools/placement/cut_choice.h"
#include "tools/placement/placed_request.h"

namespace edgerun {

namespace {

constexpr int kThreads = 1;  // bench_engine's default, which the study grids run with

// The grids cut at the study's fixed point, which profiles nothing.
constexpr const char* kCut = "paper";
constexpr int kCutProfileRuns = 0;

}  // namespace

Result<DeployedCell*> StudyCellCache::deployed(const std::string& model, const std::string& op) {
  if (deployed_ && deployed_->model == model && deployed_->op == op) return deployed_.get();
  clear();  // the previous model's tiers and session go before the next are built
  auto cell = std::make_unique<DeployedCell>();
  cell->model = model;
  cell->op = op;
  cell->cli.op = op;
  ASSIGN_OR_RETURN(SessionOptions session, make_session_options(kThreads, KernelOptions{}, {}));
  ASSIGN_OR_RETURN(cell->options, operator_options(cell->cli, kThreads));
  ASSIGN_OR_RETURN(cell->deployed, load_deployed_model(model, cell->options, session));
  Session& s = *cell->deployed.session;
  ASSIGN_OR_RETURN(cell->inputs, make_random_inputs(s));
  std::vector<NamedTensor> outputs;
  RETURN_IF_ERROR(s.run(cell->inputs, &outputs));  // compiles the plan, which numbers the steps of a cut
  cell->arena_bytes = static_cast<int64_t>(s.plan()->arena_bytes());
  deployed_ = std::move(cell);
  return deployed_.get();
}

Result<PlacedCell*> StudyCellCache::placed(const std::string& model, const std::string& op,
                                           const std::string& placement) {
  ASSIGN_OR_RETURN(DeployedCell * cell, deployed(model, op));
  if (placed_ && placed_->placement == placement) return placed_.get();
  placed_.reset();  // its tiers stop before the next placement's start
  ASSIGN_OR_RETURN(Placement where, parse_placement(placement));
  ASSIGN_OR_RETURN(TierSet tiers, load_tiers(""));
  ServedModelSpec served;
  served.server_path = server_path_;
  served.args = served_model_args(model, KernelOptions{}.backend, cell->cli, cell->options.pipeline, {}, ModelLimits{});
  auto p = std::make_unique<PlacedCell>();
  p->placement = placement;
  ASSIGN_OR_RETURN(p->servers, PlacementServers::start(where, tiers, served));
  Session& local = *cell->deployed.session;
  p->cut = local.plan()->num_steps();
  if (where.partitioned()) {
    ASSIGN_OR_RETURN(ChosenCut chosen, choose_cut(kCut, *p->servers, *local.plan(), cell->deployed.built_zoo_name,
                                                  cell->inputs, kCutProfileRuns));
    p->cut = chosen.cut.step;
  }
  // The timed requests are warm: the tiers' first request is not one of them.
  RETURN_IF_ERROR(run_placed_request(*p->servers, cell->inputs, p->cut, local, false).status());
  placed_ = std::move(p);
  return placed_.get();
}

Result<AccuracySummary> StudyCellCache::accuracy(const std::string& model, const std::string& op, int64_t limit) {
  const std::string key = model + " " + op;
  if (auto it = accuracy_.find(key); it != accuracy_.end()) return it->second;
  ASSIGN_OR_RETURN(DeployedCell * cell, deployed(model, op));
  if (null_log_ == nullptr) null_log_ = std::fopen("/dev/null", "w");
  if (null_log_ == nullptr) return io_error("cannot open /dev/null for the accuracy blocks' detail");
  AccuracyOptions options;
  options.limit = limit;
  options.threads = kThreads;
  options.log = null_log_;
  // As bench_run: early exit's figure is its own surrogate's (the student's with distill), the others
  // the surrogate after the pipeline.
  AccuracySummary summary;
  Status status;
  if (cell->options.pipeline.exits_early()) {
    std::vector<double> exit_rates;
    status =
        print_early_exit_surrogate(cell->deployed.built_zoo_name, options, cell->options, {}, &exit_rates, &summary);
  } else {
    status = print_surrogate_accuracy(cell->deployed.source.zoo_name, options, cell->options, &summary);
  }
  Result<AccuracySummary> result = summary;
  if (!status.ok()) {
    result = status.with_context("accuracy of " + model + " --op " + op);
  } else if (!summary.measured) {
    result = not_found("no accuracy for " + model + " --op " + op + ": " + summary.note);
  }
  accuracy_.emplace(key, result);
  return result;
}

StudyCellCache::~StudyCellCache() {
  clear();
  if (null_log_ != nullptr) std::fclose(null_log_);
}

void StudyCellCache::clear() {
  placed_.reset();
  deployed_.reset();
}

}  // namespace edgerun
