// bench_engine: the main CLI. It runs one model after one deployment operator pipeline (--op, e.g.
// distill+sptq: tools/deployment/operator_pipeline.h, deployment_operator.h): a zoo model built natively
// at full size (latency) with the accuracy of its trained surrogate under the same pipeline, or an ONNX
// file; it prints the latency distribution and planned arena in this process, then, with --placement
// (or a pipeline ending in partition), the same model on real tier servers (placement_bench.h).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <thread>

#include "engine/plan.h"
#include "engine/session.h"
#include "tools/deployment/deployment_operator.h"
#include "tools/deployment/operator_cli.h"
#include "tools/common/kernel_options.h"
#include "tools/common/latency_stats.h"
#include "tools/common/plan_summary.h"
#include "tools/bench_engine/early_exit_bench.h"
#include "tools/bench_engine/local_timing.h"
#include "tools/bench_engine/placement_bench.h"
#include "tools/bench_engine/surrogate_accuracy.h"
#include "tools/common/model_source.h"
#include "tools/common/model_inputs.h"

using namespace edgerun;

namespace {

// The black-box study's ResNet: Wide-ResNet-101-2 at 224x224.
const char* const kDefaultModel = "resnet";

int fail(const Status& st) {
  std::fprintf(stderr, "bench_engine: %s\n", st.to_string().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"edgerun bench_engine: latency of a model on this machine"};
  std::string model = kDefaultModel;
  int threads = 1, warmup = 2, repeats = 10;
  std::vector<std::string> dims;
  AccuracyOptions accuracy;
  bool no_accuracy = false;
  OperatorCli op_cli;
  app.add_option("--model", model, "zoo model name or ONNX model file")->capture_default_str();
  add_operator_options(app, op_cli, /*accuracy=*/true);
  app.add_option("--threads", threads, "threads for the kernels")->check(CLI::Range(1, 256))->capture_default_str();
  app.add_option("--warmup", warmup, "runs before timing (dropped)")->check(CLI::Range(0, 100000))->capture_default_str();
  app.add_option("--repeats", repeats, "timed runs")->check(CLI::Range(1, 1000000))->capture_default_str();
  app.add_option("--dim", dims, "bind a symbolic input dim, NAME=SIZE (default 1)");
  app.add_option("--variant", accuracy.variant, "trained surrogate variant for accuracy: fp32, qat, pruned")
      ->capture_default_str();
  app.add_option("--accuracy-limit", accuracy.limit, "evaluate accuracy on the first N test samples (0: all)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_flag("--no-accuracy", no_accuracy, "latency only");
  bool cold = false;
  int input_count = 1;
  app.add_option("--inputs", input_count,
                 "seeded input sets the timed runs cycle through (the studies: 100 inputs x 6 repetitions, the "
                 "first dropped: --inputs 100 --repeats 500 --warmup 100)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_flag(
      "--cold", cold,
      "time cold requests (the studies' protocol): each loads the deployed model afresh (a copy of its "
      "graph), compiles it and runs once; on placements each tier server rebuilds its session per request; default: "
      "warm runs of one compiled session");
  KernelOptions kernel_options;
  add_kernel_options(app, kernel_options);
  PlacementBenchOptions placement;
  app.add_option("--placement", placement.placements,
                 "run on tier servers: mobile, edge, cloud, mobile-edge, edge-cloud, mobile-cloud, all")
      ->delimiter(',');
  app.add_option("--tiers", placement.tiers_file, "tier profiles JSON (default: the built-in tools/tier/tiers.json)");
  app.add_option("--cut", placement.cut, "partitioned placements: paper, auto or a step index")->capture_default_str();
  app.add_option("--fallback", placement.fallback, "when a tier fails: none (error) or local (finish here)")
      ->capture_default_str();
  app.add_option("--limit", placement.served.limit, "how tier servers limit themselves: auto, cgroup, duty, none")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  auto session_options = make_session_options(threads, kernel_options, dims);
  if (!session_options.ok()) return fail(session_options.status());
  const SessionOptions& options = session_options.value();

  auto parsed_op = operator_options(op_cli, threads);
  if (!parsed_op.ok()) return fail(parsed_op.status());
  const OperatorOptions& op = parsed_op.value();

  auto deployed = load_deployed_model(model, op, options);
  if (!deployed.ok()) return fail(deployed.status());
  const ModelSource& source = deployed.value().source;
  const std::string& built_zoo_name = deployed.value().built_zoo_name;  // the student with distill
  Session& s = *deployed.value().session;
  auto inputs = make_random_inputs(s);
  if (!inputs.ok()) return fail(inputs.status());

  std::vector<NamedTensor> outputs;
  const auto t_first = std::chrono::steady_clock::now();
  Status st = s.run(inputs.value(), &outputs);  // compiles the plan, then runs
  if (!st.ok()) return fail(st);
  const double first_ms = ms_since(t_first);
  // Input set 1 is `inputs` (the exit paths and the cut choice take it); the others are seeded 2..N.
  std::vector<std::vector<NamedTensor>> input_sets{inputs.value()};
  for (int seed = 2; seed <= input_count; ++seed) {
    auto more = make_random_inputs(s, static_cast<uint32_t>(seed));
    if (!more.ok()) return fail(more.status());
    input_sets.push_back(std::move(more.value()));
  }
  auto samples = time_local_runs(s, options, input_sets, LocalTimingOptions{warmup, repeats, cold});
  if (!samples.ok()) return fail(samples.status());
  const LatencyStats lat = summarize(samples.value());

  std::printf("model      %s\n", source.description.c_str());
  if (!source.zoo_name.empty()) {
    std::printf("           latency is of the full-size model with seeded random weights\n");
  }
  for (const NamedTensor& in : inputs.value()) {
    std::printf("input      %s %s %s\n", in.name.c_str(), dtype_name(in.tensor.dtype()),
                shape_to_string(in.tensor.shape()).c_str());
  }
  const Plan& plan = *s.plan();
  std::printf("operator   %s (%.0f ms)\n", deployed.value().operator_summary.c_str(), deployed.value().operator_ms);
  std::printf("engine     %s, %s, %d thread(s); %zu steps after passes\n", describe_kernel_options(options).c_str(),
              plan.stats().lowered_int8_nodes > 0 ? "INT8" : "FP32", threads, s.planned_nodes());
  std::printf("arena      %.3f MiB planned for activations (lower bound %.3f MiB); kernel scratch %.3f MiB\n",
              static_cast<double>(plan.arena_bytes()) / (1 << 20),
              static_cast<double>(plan.arena_lower_bound_bytes()) / (1 << 20),
              static_cast<double>(plan.scratch_bytes()) / (1 << 20));
  std::printf("cold       load %.2f ms, first run (compile + run) %.2f ms\n", deployed.value().load_ms, first_ms);
  std::printf("kernels    %s\n", plan_kernel_summary(plan).c_str());
  const std::string over = input_count > 1 ? " over " + std::to_string(input_count) + " seeded input sets" : "";
  if (cold) {
    std::printf("cold       %zu requests%s after %d warm-up, each: copy of the graph, compile, one run (ms)\n",
                lat.count, over.c_str(), warmup);
  } else {
    std::printf("warm       %zu runs%s after %d warm-up (ms)\n", lat.count, over.c_str(), warmup);
  }
  std::printf("           %-10s %-10s %-10s %-10s %-10s %-10s\n", "median", "p90", "mean", "std", "min", "max");
  std::printf("           %-10.3f %-10.3f %-10.3f %-10.3f %-10.3f %-10.3f\n", lat.median, lat.p90, lat.mean,
              lat.stddev, lat.min, lat.max);
  std::vector<ExitPathTiming> exit_paths;
  const bool exits_early = op.pipeline.exits_early();
  if (exits_early) {
    OperatorOptions without_exits;  // the model the exits shorten: the student with distill
    without_exits.pipeline = op.pipeline.only({OperatorStep::kDistill});
    auto identity = load_deployed_model(model, without_exits, options);
    if (!identity.ok()) return fail(identity.status());
    auto timed = time_exit_paths(*identity.value().session, s, inputs.value(), deployed.value().exit_names, warmup,
                                 repeats);
    if (!timed.ok()) return fail(timed.status());
    exit_paths = std::move(timed.value());
    print_exit_paths(exit_paths);
  }
  // Early exit's surrogate runs before the placements: its exit rates weigh their exit paths.
  const bool with_accuracy = !no_accuracy && !source.zoo_name.empty();
  accuracy.threads = threads;
  if (with_accuracy && exits_early) {
    st = print_early_exit_surrogate(built_zoo_name, accuracy, op, exit_paths, &placement.exit_rates);
    if (!st.ok()) return fail(st);
  }
  if (op.pipeline.has(OperatorStep::kPartition)) {
    placement.partitioned_only = true;
    if (placement.placements.empty()) placement.placements = {"mobile-edge", "edge-cloud", "mobile-cloud"};
  }
  if (!placement.placements.empty()) {
    placement.zoo_model = built_zoo_name;
    placement.warmup = warmup;
    placement.repeats = repeats;
    placement.cold = cold;
    placement.exit_names = deployed.value().exit_names;
    placement.served.tiers_file = placement.tiers_file;
    // The latency graph does not depend on the calibrator (deployment_operator.h): not passed on.
    placement.served.args = {"--model", model, "--backend", kernel_options.backend};
    for (const std::string& a : served_operator_args(op_cli, op.pipeline)) placement.served.args.push_back(a);
    for (const std::string& d : dims) placement.served.args.insert(placement.served.args.end(), {"--dim", d});
    auto timings = run_placement_bench(placement, s, input_sets);
    if (!timings.ok()) return fail(timings.status());
  }
  // Early exit's surrogate is printed above; with distill, the student's beside its teacher's follows.
  if (!with_accuracy || (exits_early && !op.pipeline.has(OperatorStep::kDistill))) return 0;
  OperatorOptions accuracy_op = op;
  if (exits_early) accuracy_op.pipeline = op.pipeline.only({OperatorStep::kDistill});
  st = print_surrogate_accuracy(source.zoo_name, accuracy, accuracy_op);
  return st.ok() ? 0 : fail(st);
}
