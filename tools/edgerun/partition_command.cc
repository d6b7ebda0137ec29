// edgerun partition --model M [--op O [--ee static|dynamic]] [--placement mobile-edge] [--tiers FILE] [--repeats R]
//                   [--profile-runs P] [--max-cuts K] [--limit L]:
// every cut of a partitioned placement, predicted and measured. The tier servers start as in
// bench_engine (tools/placement); each tier's per-step latency is profiled on its own server, the cost
// model (operators/partition/cost_model.h) predicts every cut, then every cut is run for real through
// both tiers (one warm-up and R timed requests, the median kept). The table shows the prediction beside
// the measurement; the summary gives the automatic choice against the best measured cut, the study's
// fixed cut, and the cost model's error.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/plan.h"
#include "operators/partition/paper_cuts.h"
#include "tools/common/latency_stats.h"
#include "tools/common/model_inputs.h"
#include "tools/deployment/deployment_operator.h"
#include "tools/deployment/operator_cli.h"
#include "tools/edgerun/commands.h"
#include "tools/placement/cut_choice.h"

namespace edgerun::cli {

namespace {

struct PartitionArgs {
  std::string model;
  OperatorCli op;
  std::string placement = "mobile-edge";
  std::string tiers_file;
  std::string limit = "auto";
  int repeats = 3;
  int profile_runs = 5;
  int max_cuts = 0;  // 0: all
};

int fail(const Status& st) {
  std::fprintf(stderr, "edgerun partition: %s\n", st.to_string().c_str());
  return 1;
}

// Every cut, or `max_cuts` of them evenly spaced, always with the predicted best and the paper cut.
std::vector<size_t> cuts_to_measure(const CutPredictions& p, int max_cuts, long paper_index) {
  const size_t n = p.cuts.size();
  std::vector<size_t> chosen;
  if (max_cuts <= 0 || static_cast<size_t>(max_cuts) >= n) {
    for (size_t i = 0; i < n; ++i) chosen.push_back(i);
    return chosen;
  }
  for (int k = 0; k < max_cuts; ++k) chosen.push_back(static_cast<size_t>(std::lround(k * (n - 1.0) / (max_cuts - 1))));
  chosen.push_back(p.best);
  if (paper_index >= 0) chosen.push_back(static_cast<size_t>(paper_index));
  std::sort(chosen.begin(), chosen.end());
  chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
  return chosen;
}

int run_partition(const PartitionArgs& args) {
  auto op = operator_options(args.op, 1);
  if (!op.ok()) return fail(op.status());
  const OperatorOptions& op_options = op.value();
  auto deployed = load_deployed_model(args.model, op_options, SessionOptions{});
  if (!deployed.ok()) return fail(deployed.status());
  const ModelSource& source = deployed.value().source;
  Session& local = *deployed.value().session;
  auto inputs = make_random_inputs(local);
  if (!inputs.ok()) return fail(inputs.status());
  auto shapes = local.default_input_shapes();
  if (!shapes.ok()) return fail(shapes.status());
  if (Status st = local.prepare(shapes.value()); !st.ok()) return fail(st);
  const Plan& plan = *local.plan();

  auto placement = parse_placement(args.placement);
  if (!placement.ok()) return fail(placement.status());
  if (!placement.value().partitioned()) {
    return fail(invalid_argument("placement " + args.placement +
                                 " runs on one tier: give mobile-edge, edge-cloud or mobile-cloud"));
  }
  auto tiers = load_tiers(args.tiers_file);
  if (!tiers.ok()) return fail(tiers.status());
  ServedModelSpec spec;
  spec.args = {"--model", args.model};
  for (const std::string& a : served_operator_args(args.op, op_options.pipeline)) spec.args.push_back(a);
  spec.tiers_file = args.tiers_file;
  spec.limit = args.limit;
  std::printf("model      %s, operator %s, %zu steps\n", source.description.c_str(),
              op_options.pipeline.name().c_str(), plan.num_steps());
  std::printf("placement  %s (tiers from %s); starting the tier servers\n", args.placement.c_str(),
              tiers.value().source.c_str());
  auto servers = PlacementServers::start(placement.value(), tiers.value(), spec);
  if (!servers.ok()) return fail(servers.status());
  PlacementServers& s = *servers.value();

  auto predicted = predict_cuts(s, plan, inputs.value(), args.profile_runs);
  if (!predicted.ok()) return fail(predicted.status());
  const CutPredictions& p = predicted.value();
  long paper_index = -1;
  if (const std::string& built = deployed.value().built_zoo_name; !built.empty()) {
    auto paper = partition::paper_cut(plan, built);
    for (size_t i = 0; paper.ok() && i < p.cuts.size(); ++i) {
      if (p.cuts[i].step == paper.value().step) paper_index = static_cast<long>(i);
    }
  }
  const std::vector<size_t> measure = cuts_to_measure(p, args.max_cuts, paper_index);
  std::printf("measuring  %zu of %zu cuts, %d request(s) each after one warm-up\n\n", measure.size(), p.cuts.size(),
              args.repeats);
  std::printf("%5s  %-40s %10s  %9s %9s %9s %9s  %9s %7s\n", "step", "after", "bytes", "head", "transfer", "tail",
              "predicted", "measured", "error");
  std::vector<partition::CutCost> measured_costs;
  std::vector<double> measured_ms;
  size_t best_measured = 0;
  for (size_t i : measure) {
    const partition::CutPoint& cut = p.cuts[i];
    std::vector<double> samples;
    for (int r = 0; r <= args.repeats; ++r) {
      auto result = s.infer(inputs.value(), cut.step, plan.num_steps());
      if (!result.ok()) return fail(result.status().with_context("cut at step " + std::to_string(cut.step)));
      if (r > 0) samples.push_back(result.value().timing.total_ms);
    }
    const double ms = summarize(samples).median;
    const partition::CutCost& c = p.costs[i];
    std::string mark = i == p.best ? " auto" : "";
    if (static_cast<long>(i) == paper_index) mark += " paper";
    std::printf("%5zu  %-40.40s %10lld  %9.2f %9.2f %9.2f %9.2f  %9.2f %+6.1f%%%s\n", cut.step, cut.after.c_str(),
                static_cast<long long>(cut.bytes), c.head_ms, c.transfer_ms, c.tail_ms, c.total_ms, ms,
                100.0 * (c.total_ms - ms) / ms, mark.c_str());
    if (measured_ms.empty() || ms < measured_ms[best_measured]) best_measured = measured_ms.size();
    measured_costs.push_back(c);
    measured_ms.push_back(ms);
  }
  auto error = partition::prediction_error(measured_costs, measured_ms);
  if (!error.ok()) return fail(error.status());
  double auto_ms = 0;
  for (size_t k = 0; k < measure.size(); ++k) {
    if (measure[k] == p.best) auto_ms = measured_ms[k];
  }
  std::printf("\nauto       step %zu (after %s): predicted %.2f ms, measured %.2f ms\n", p.cuts[p.best].step,
              p.cuts[p.best].after.c_str(), p.costs[p.best].total_ms, auto_ms);
  std::printf("best       step %zu (after %s): measured %.2f ms; auto is %.1f%% slower\n",
              p.cuts[measure[best_measured]].step, p.cuts[measure[best_measured]].after.c_str(),
              measured_ms[best_measured], 100.0 * (auto_ms - measured_ms[best_measured]) / measured_ms[best_measured]);
  for (size_t k = 0; paper_index >= 0 && k < measure.size(); ++k) {
    if (measure[k] == static_cast<size_t>(paper_index))
      std::printf("paper      step %zu (after %s): measured %.2f ms\n", p.cuts[measure[k]].step,
                  p.cuts[measure[k]].after.c_str(), measured_ms[k]);
  }
  std::printf("cost model median absolute error %.1f%%, max %.1f%% (step %zu), over %zu cuts\n",
              error.value().median_abs_pct, error.value().max_abs_pct, p.cuts[measure[error.value().worst]].step,
              measure.size());
  return 0;
}

}  // namespace

std::function<int()> add_partition_command(CLI::App& app) {
  auto args = std::make_shared<PartitionArgs>();
  CLI::App* cmd = app.add_subcommand("partition", "every cut of a partitioned placement: predicted and measured");
  cmd->add_option("--model", args->model, "zoo model name or ONNX file")->required();
  add_operator_options(*cmd, args->op, /*accuracy=*/false);
  cmd->add_option("--placement", args->placement, "mobile-edge, edge-cloud or mobile-cloud")->capture_default_str();
  cmd->add_option("--tiers", args->tiers_file, "tier profiles JSON (default: built-in)");
  cmd->add_option("--limit", args->limit, "how tier servers limit themselves: auto, cgroup, duty, none")
      ->capture_default_str();
  cmd->add_option("--repeats", args->repeats, "timed requests per cut")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--profile-runs", args->profile_runs, "profiled runs per tier for the cost model")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--max-cuts", args->max_cuts, "measure at most this many cuts, evenly spaced (0: all)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  return [args] { return run_partition(*args); };
}

}  // namespace edgerun::cli
