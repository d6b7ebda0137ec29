#include "tools/bench_engine/bench_run.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>

#include "engine/plan.h"
#include "engine/session.h"
#include "tools/bench_engine/early_exit_bench.h"
#include "tools/bench_engine/local_timing.h"
#include "tools/bench_engine/ort_peer.h"
#include "tools/bench_engine/step_profile.h"
#include "tools/bench_engine/placement_bench.h"
#include "tools/common/latency_stats.h"
#include "tools/common/model_inputs.h"
#include "tools/common/model_source.h"
#include "tools/common/plan_summary.h"
#include "tools/deployment/deployment_operator.h"
#include "tools/tier/tier_profile.h"

namespace edgerun {

namespace {

std::string mib(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f MiB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

std::string ms_text(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f ms", ms);
  return buf;
}

// This process's peak resident set so far (Linux reports ru_maxrss in KiB).
double process_peak_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

Status check_protocol(const BenchConfig& c) {
  if (c.inputs < 1) return invalid_argument("--inputs must be at least 1");
  if (c.dropped_repetitions < 0) return invalid_argument("--warmup must not be negative");
  if (c.repetitions <= c.dropped_repetitions) {
    return invalid_argument("--repeats (" + std::to_string(c.repetitions) + ") must exceed the dropped warm-up " +
                            "repetitions (--warmup " + std::to_string(c.dropped_repetitions) +
                            "): nothing would be timed");
  }
  if (!c.warm && !c.cold) return invalid_argument("neither warm nor cold latency asked for");
  return Status::Ok();
}

struct Split {
  bool local = false;
  std::vector<std::string> tiers;  // placement names for the tier servers
};

Split split_placements(const std::vector<std::string>& names) {
  Split s;
  for (const std::string& n : names) {
    if (n == kLocalPlacement) {
      s.local = true;
    } else {
      s.tiers.push_back(n);
    }
  }
  return s;
}

std::string protocol_fact(const BenchConfig& c) {
  return std::to_string(c.inputs) + " seeded input set(s) x " + std::to_string(c.repetitions) +
         " repetition(s), the first " + std::to_string(c.dropped_repetitions) + " dropped: " +
         std::to_string(c.inputs * (c.repetitions - c.dropped_repetitions)) + " samples per row";
}

// ONNX Runtime's reference row: the same graph (identity's FP32, or SPTQ's QDQ) on edge, under edge's
// limits and thread count. A machine without node or onnxruntime-node gets a line saying so.
Status add_peer_row(const BenchConfig& c, const Session& s, const std::vector<std::vector<NamedTensor>>& input_sets,
                    int warmup_runs, int timed_runs, BenchReport* report) {
  ASSIGN_OR_RETURN(TierSet tiers, load_tiers(c.tiers_file));
  ASSIGN_OR_RETURN(const TierProfile* edge, tiers.find("edge"));
  ASSIGN_OR_RETURN(LimitMethod limit, parse_limit_method(c.limit));
  OrtPeerRequest request;
  request.graph = &s.graph();
  request.input_sets = input_sets;
  request.warmup = warmup_runs;
  request.repeats = timed_runs;
  request.threads = edge->threads;
  request.tier = "edge";
  request.tiers_file = c.tiers_file;
  request.limit = limit;
  auto peer = run_ort_peer(request);
  if (!peer.ok()) {
    if (peer.status().code() != StatusCode::kNotFound) return peer.status();
    std::fprintf(c.log, "peer       ORT row skipped: %s\n", peer.status().message().c_str());
    return Status::Ok();
  }
  const LatencyStats lat = summarize(peer.value().ms);
  std::fprintf(c.log, "peer       %s: median %.3f ms, p90 %.3f (%zu runs, in-process: no link)\n",
               peer.value().description.c_str(), lat.median, lat.p90, lat.count);
  report->rows.push_back({"edge (ONNX Runtime)", "warm", std::move(peer.value().ms), kNotApplicable, kNotApplicable,
                          "peer: " + peer.value().description + ", the same graph and inputs, no link", true});
  return Status::Ok();
}

// --profile and --trace: the local plan's steps.
Status profile_local(const BenchConfig& c, Session& s, const std::vector<NamedTensor>& inputs) {
  ASSIGN_OR_RETURN(std::vector<StepProfile> steps, profile_steps(s, inputs, c.profile_runs));
  std::fprintf(c.log, "\n%s\n", format_step_profile(steps, c.profile_top).c_str());
  if (c.trace_file.empty()) return Status::Ok();
  std::ofstream out(c.trace_file, std::ios::binary);
  out << step_profile_trace(steps, steps.empty() ? 0 : steps.front().run_ms.size() / 2);
  out.close();
  if (!out) return invalid_argument("--trace: cannot write '" + c.trace_file + "'");
  std::fprintf(c.log, "trace      %s (Chrome trace event format: chrome://tracing or ui.perfetto.dev)\n",
               c.trace_file.c_str());
  return Status::Ok();
}

bool peer_applies(const OperatorPipeline& p) {
  return p.identity() || p.name() == "sptq";
}

}  // namespace

std::vector<std::string> default_placements(const OperatorPipeline& pipeline) {
  if (pipeline.has(OperatorStep::kPartition)) return {kLocalPlacement, "mobile-edge", "edge-cloud", "mobile-cloud"};
  return {kLocalPlacement, "mobile", "edge", "cloud"};
}

std::vector<std::string> served_model_args(const std::string& model, const std::string& backend, const OperatorCli& op,
                                           const OperatorPipeline& pipeline, const std::vector<std::string>& dims,
                                           const ModelLimits& limits) {
  std::vector<std::string> args = {"--model", model, "--backend", backend};
  for (const std::string& a : served_operator_args(op, pipeline)) args.push_back(a);
  for (const std::string& d : dims) args.insert(args.end(), {"--dim", d});
  for (const std::string& a : model_limit_args(limits)) args.push_back(a);
  return args;
}

Result<BenchReport> run_bench(const BenchConfig& c) {
  RETURN_IF_ERROR(check_protocol(c));
  ASSIGN_OR_RETURN(SessionOptions options, make_session_options(c.threads, c.kernels, c.dims));
  options.limits = c.limits;
  ASSIGN_OR_RETURN(OperatorOptions op, operator_options(c.op, c.threads));
  const Split where = split_placements(c.placements.empty() ? default_placements(op.pipeline) : c.placements);
  std::FILE* log = c.log;

  ASSIGN_OR_RETURN(DeployedModel deployed, load_deployed_model(c.model, op, options));
  const ModelSource& source = deployed.source;
  Session& s = *deployed.session;
  std::vector<std::vector<NamedTensor>> input_sets;
  for (int seed = 1; seed <= c.inputs; ++seed) {  // set 1 is make_random_inputs' default seed
    ASSIGN_OR_RETURN(std::vector<NamedTensor> inputs, make_random_inputs(s, static_cast<uint32_t>(seed)));
    input_sets.push_back(std::move(inputs));
  }
  std::vector<NamedTensor> outputs;
  const auto t_first = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(s.run(input_sets[0], &outputs));  // compiles the plan, then runs
  const double first_ms = ms_since(t_first);

  BenchReport report;
  report.model = c.model;
  report.op = c.op.op;
  auto fact = [&report](std::string key, std::string value) { report.facts.emplace_back(std::move(key), value); };
  fact("model", source.description +
                    (source.zoo_name.empty() ? "" : "; latency of the full-size model with seeded random weights"));
  for (const NamedTensor& in : input_sets[0]) {
    fact("input", in.name + " " + dtype_name(in.tensor.dtype()) + " " + shape_to_string(in.tensor.shape()));
  }
  const Plan& plan = *s.plan();
  fact("operator", deployed.operator_summary + " (" + ms_text(deployed.operator_ms) + ")");
  fact("engine", describe_kernel_options(options) + ", " + (plan.stats().lowered_int8_nodes > 0 ? "INT8" : "FP32") +
                     ", " + std::to_string(c.threads) + " thread(s); " + std::to_string(s.planned_nodes()) +
                     " steps after passes");
  fact("arena", mib(plan.arena_bytes()) + " planned for activations (lower bound " +
                    mib(plan.arena_lower_bound_bytes()) + "); kernel scratch " + mib(plan.scratch_bytes()));
  fact("load", "build or import " + ms_text(deployed.load_ms) + ", first run (compile + run) " + ms_text(first_ms));
  fact("kernels", plan_kernel_summary(plan));
  fact("protocol", protocol_fact(c));
  for (const auto& [key, value] : report.facts) std::fprintf(log, "%-10s %s\n", key.c_str(), value.c_str());

  const int warmup_runs = c.inputs * c.dropped_repetitions;
  const int timed_runs = c.inputs * (c.repetitions - c.dropped_repetitions);
  if (where.local) {
    for (const bool cold : {false, true}) {
      if (cold ? !c.cold : !c.warm) continue;
      ASSIGN_OR_RETURN(std::vector<double> ms,
                       time_local_runs(s, options, input_sets, LocalTimingOptions{warmup_runs, timed_runs, cold}));
      const LatencyStats lat = summarize(ms);
      std::fprintf(log, "local      %s: median %.3f ms, p90 %.3f, mean %.3f (%zu %s)\n", cold ? "cold" : "warm",
                   lat.median, lat.p90, lat.mean, lat.count,
                   cold ? "requests, each a copy of the graph compiled and run once" : "runs of one compiled session");
      PlacementRow row{kLocalPlacement, cold ? "cold" : "warm", std::move(ms), process_peak_mb(), kNotApplicable,
                       "this process, no tier limits; peak memory is the whole process's", false};
      report.rows.push_back(std::move(row));
    }
  }

  if (c.profile_runs > 0 || !c.trace_file.empty()) RETURN_IF_ERROR(profile_local(c, s, input_sets[0]));

  std::vector<ExitPathTiming> exit_paths;
  const bool exits_early = op.pipeline.exits_early();
  if (exits_early) {
    OperatorOptions without_exits;  // the model the exits shorten: the student with distill
    without_exits.pipeline = op.pipeline.only({OperatorStep::kDistill});
    ASSIGN_OR_RETURN(DeployedModel identity, load_deployed_model(c.model, without_exits, options));
    ASSIGN_OR_RETURN(exit_paths, time_exit_paths(*identity.session, s, input_sets[0], deployed.exit_names,
                                                 c.dropped_repetitions, timed_runs));
    print_exit_paths(log, exit_paths);
  }
  // Early exit's surrogate runs before the placements: its exit rates weigh their exit paths.
  const bool with_accuracy = c.accuracy && !source.zoo_name.empty();
  AccuracyOptions accuracy = c.accuracy_options;
  accuracy.threads = c.threads;
  accuracy.log = log;
  std::vector<double> exit_rates;
  if (with_accuracy && exits_early) {
    RETURN_IF_ERROR(print_early_exit_surrogate(deployed.built_zoo_name, accuracy, op, exit_paths, &exit_rates,
                                               &report.accuracy));
  }
  if (!where.tiers.empty()) {
    PlacementBenchOptions placement;
    placement.placements = where.tiers;
    placement.partitioned_only = op.pipeline.has(OperatorStep::kPartition);
    placement.tiers_file = c.tiers_file;
    placement.cut = c.cut;
    placement.fallback = c.fallback;
    placement.served.limit = c.limit;
    placement.served.tiers_file = c.tiers_file;
    placement.zoo_model = deployed.built_zoo_name;
    placement.warmup = warmup_runs;
    placement.repeats = timed_runs;
    placement.exit_names = deployed.exit_names;
    placement.exit_rates = exit_rates;
    placement.log = log;
    placement.served.args = served_model_args(c.model, c.kernels.backend, c.op, op.pipeline, c.dims, c.limits);
    placement.warm = c.warm;
    placement.cold = c.cold;
    ASSIGN_OR_RETURN(std::vector<PlacementTiming> timings, run_placement_bench(placement, s, input_sets));
    for (PlacementTiming& t : timings) {
      double peak = kNotApplicable;
      for (double m : t.tier_peak_memory_mb) peak = std::isnan(peak) ? m : std::max(peak, m);
      const std::string note = t.tier_peak_memory_mb.size() > 1 ? "peak memory: the larger tier's" : "";
      if (c.warm) report.rows.push_back({t.placement, "warm", std::move(t.ms), peak, t.bytes_per_request, note, false});
      if (c.cold) {
        report.rows.push_back({t.placement, "cold", std::move(t.cold_ms), peak, t.bytes_per_request, note, false});
      }
    }
  }
  const bool on_edge = std::find(where.tiers.begin(), where.tiers.end(), "edge") != where.tiers.end() ||
                       std::find(where.tiers.begin(), where.tiers.end(), "all") != where.tiers.end();
  if (c.ort_peer && c.warm && on_edge && peer_applies(op.pipeline)) {
    RETURN_IF_ERROR(add_peer_row(c, s, input_sets, warmup_runs, timed_runs, &report));
  }
  if (!with_accuracy) {
    report.accuracy.note = c.accuracy ? "no trained surrogate for a model file" : "not asked (--no-accuracy)";
    return report;
  }
  if (exits_early && !op.pipeline.has(OperatorStep::kDistill)) return report;
  // With distill, the student's beside its teacher's follows the early-exit block (it says what the
  // exits cost on top of distillation); the table keeps the early-exit figure.
  OperatorOptions accuracy_op = op;
  if (exits_early) accuracy_op.pipeline = op.pipeline.only({OperatorStep::kDistill});
  AccuracySummary student;
  RETURN_IF_ERROR(print_surrogate_accuracy(source.zoo_name, accuracy, accuracy_op, exits_early ? &student : &report.accuracy));
  return report;
}

}  // namespace edgerun
