// bench_engine: the main CLI. It measures one model after one deployment operator pipeline (--op, e.g.
// distill+sptq: tools/deployment/operator_pipeline.h, deployment_operator.h) in this process and on
// every tier placement the operator allows (bench_run.h): a zoo model built natively at full size
// (latency) with the accuracy of its trained surrogate under the same pipeline, or an ONNX file. The
// detail of each part is printed as it is measured; the per-placement table (--format table | csv |
// json, to stdout or --out) comes last. --study runs a whole study's grid instead (study_run.h).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>

#include "tools/bench_engine/bench_run.h"
#include "tools/bench_engine/study_run.h"

using namespace edgerun;

namespace {

int fail(const Status& st) {
  std::fprintf(stderr, "bench_engine: %s\n", st.to_string().c_str());
  return 1;
}

Status write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  if (!out) return invalid_argument("--out: cannot open '" + path + "' for writing");
  out << text;
  out.close();
  if (!out) return invalid_argument("--out: writing '" + path + "' failed");
  return Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"edgerun bench_engine: a model after a deployment operator, per tier placement: latency, accuracy, "
               "memory, bytes over the link"};
  BenchConfig config;
  app.add_option("--model", config.model, "zoo model name or ONNX model file")->capture_default_str();
  add_operator_options(app, config.op, /*accuracy=*/true);
  app.add_option("--threads", config.threads, "threads for the kernels")->check(CLI::Range(1, 256))->capture_default_str();
  app.add_option("--inputs", config.inputs, "seeded input sets each repetition cycles through (the studies: 100)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--repeats", config.repetitions, "repetitions over the input sets (the studies: 6)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--warmup", config.dropped_repetitions,
                 "leading repetitions dropped as warm-up (the studies: the first)")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  app.add_flag("--cold", config.cold,
               "time cold requests (the studies' protocol): each loads the deployed model afresh (a copy of its "
               "graph), compiles it and runs once; on tiers the server does so per request");
  app.add_option("--dim", config.dims, "bind a symbolic input dim, NAME=SIZE (default 1)");
  app.add_option("--variant", config.accuracy_options.variant,
                 "trained surrogate variant for identity's accuracy: fp32, qat, pruned")
      ->capture_default_str();
  app.add_option("--accuracy-limit", config.accuracy_options.limit,
                 "evaluate accuracy on the first N test samples (0: all)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  bool no_accuracy = false, no_peer = false;
  app.add_flag("--no-accuracy", no_accuracy, "latency only");
  app.add_flag("--no-peer", no_peer, "leave out the ONNX Runtime reference rows");
  add_kernel_options(app, config.kernels);
  add_model_limit_options(app, config.limits);
  app.add_option("--placement", config.placements,
                 "local (this process), mobile, edge, cloud, mobile-edge, edge-cloud, mobile-cloud, all; default: "
                 "local and the single tiers, or the split placements for a pipeline ending in partition")
      ->delimiter(',');
  app.add_option("--tiers", config.tiers_file, "tier profiles JSON (default: the built-in tools/tier/tiers.json)");
  app.add_option("--cut", config.cut, "partitioned placements: paper, auto or a step index")->capture_default_str();
  app.add_option("--fallback", config.fallback, "when a tier fails: none (error) or local (finish here)")
      ->capture_default_str();
  app.add_option("--limit", config.limit, "how tier servers limit themselves: auto, cgroup, duty, none")
      ->capture_default_str();
  app.add_option("--profile", config.profile_runs,
                 "print a per-step profile (op, kernel, shape, time, share, GFLOP/s) of this many local runs")
      ->expected(0, 1)
      ->default_str("10")
      ->check(CLI::Range(1, 100000));
  app.add_option("--profile-top", config.profile_top, "with --profile: the slowest N steps (0: all)")
      ->capture_default_str();
  app.add_option("--trace", config.trace_file, "write one profiled run as a Chrome trace JSON file");
  std::string format = "table", out_path;
  app.add_option("--format", format, "the result table: table, csv or json")->capture_default_str();
  app.add_option("--out", out_path, "write the result table to this file (default: stdout)");
  StudyOptions study;
  app.add_option("--study", study.study, "run a study's grid: blackbox or whitebox (study_run.h)");
  app.add_flag("--quick", study.quick, "with --study: the reduced grid (<= 15 minutes on 2 cores)");
  app.add_option("--study-dir", study.dir, "with --study: where results.jsonl and the reports go")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  config.accuracy = !no_accuracy;
  if (!config.trace_file.empty() && config.profile_runs == 0) config.profile_runs = 10;
  config.ort_peer = !no_peer;

  auto report_format = parse_report_format(format);
  if (!report_format.ok()) return fail(report_format.status());
  if (!study.study.empty()) {
    const Status st = run_study(study, config);
    return st.ok() ? 0 : fail(st);
  }
  // The detail goes where the table does not, so that CSV or JSON on stdout stays machine-readable.
  const bool table_on_stdout = out_path.empty();
  config.log = table_on_stdout && report_format.value() != ReportFormat::kTable ? stderr : stdout;
  auto report = run_bench(config);
  if (!report.ok()) return fail(report.status());
  const std::string text = format_report(report.value(), report_format.value());
  if (table_on_stdout) {
    std::fputs(text.c_str(), stdout);
    return 0;
  }
  const Status st = write_file(out_path, text);
  if (!st.ok()) return fail(st);
  std::fprintf(config.log, "bench_engine: wrote %s\n", out_path.c_str());
  return 0;
}
