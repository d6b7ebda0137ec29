#include "tools/bench_engine/early_exit_bench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <set>

#include "engine/plan.h"
#include "graph/model_stats.h"
#include "models/data/evaluate.h"
#include "models/data/trained_record.h"
#include "tools/common/latency_stats.h"
#include "tools/common/progress.h"
#include "tools/deployment/trained_early_exit.h"

namespace edgerun {

namespace {

using Clock = std::chrono::steady_clock;

// MACs of the first `steps` steps of a compiled plan.
int64_t macs_of_steps(const Plan& plan, size_t steps) {
  int64_t macs = 0;
  for (size_t s = 0; s < steps && s < plan.num_steps(); ++s) macs += node_macs(plan.graph(), plan.step_node(s));
  return macs;
}

Result<double> timed_run(Session& s, const std::vector<NamedTensor>& inputs, std::vector<NamedTensor>* outputs) {
  const auto t0 = Clock::now();
  RETURN_IF_ERROR(s.run(inputs, outputs));
  return ms_since(t0);
}

// Mean and median of the per-path latencies mixed with weights `rates` (paths 1.. of `paths`).
std::pair<double, double> mixed_latency(const std::vector<ExitPathTiming>& paths, const std::vector<double>& rates) {
  std::vector<std::pair<double, double>> weighted;  // (ms, weight)
  double mean = 0;
  for (size_t k = 0; k < rates.size(); ++k) {
    const std::vector<double>& ms = paths[k + 1].ms;
    for (double v : ms) weighted.push_back({v, rates[k] / static_cast<double>(ms.size())});
    mean += rates[k] * summarize(ms).mean;
  }
  std::sort(weighted.begin(), weighted.end());
  double acc = 0;
  for (const auto& [v, w] : weighted) {
    acc += w;
    if (acc >= 0.5) return {mean, v};
  }
  return {mean, weighted.empty() ? 0 : weighted.back().first};
}

std::string metric_cell(const data::TaskEvaluator& task, const std::vector<int64_t>& counts, int64_t samples) {
  if (samples == 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", task.metrics_of(counts).at(0).percent);
  return buf;
}

void add_counts(std::vector<int64_t>& sum, const std::vector<int64_t>& c) {
  if (sum.empty()) sum.assign(c.size(), 0);
  for (size_t j = 0; j < c.size(); ++j) sum[j] += c[j];
}

}  // namespace

Result<std::vector<ExitPathTiming>> time_exit_paths(Session& identity, Session& early_exit,
                                                    const std::vector<NamedTensor>& inputs,
                                                    const std::vector<std::string>& exit_names, int warmup,
                                                    int repeats) {
  std::vector<std::string> labels{"identity"};
  if (exit_names.empty()) {
    labels.push_back("static skip");
  } else {
    for (size_t k = 0; k < exit_names.size(); ++k) labels.push_back("exit " + std::to_string(k) + " (" + exit_names[k] + ")");
    labels.push_back("final");
  }
  std::vector<ExitPathTiming> paths(labels.size());
  for (size_t p = 0; p < labels.size(); ++p) paths[p].label = labels[p];
  std::vector<NamedTensor> outputs;
  std::vector<double> step_ms, identity_step_ms;
  ProgressBar bar("exit paths", std::max(warmup, 1) + repeats);
  for (int round = -std::max(warmup, 1); round < repeats; ++round) {  // the first round compiles
    bar.update(round + std::max(warmup, 1));
    if (identity.plan() == nullptr) RETURN_IF_ERROR(identity.run(inputs, &outputs));
    const auto t0 = Clock::now();
    RETURN_IF_ERROR(identity.run_steps(0, identity.plan()->num_steps(), inputs, &outputs, &step_ms));
    double ms = ms_since(t0);
    if (round >= 0) {
      paths[0].ms.push_back(ms);
      identity_step_ms.resize(step_ms.size(), 0.0);
      for (size_t i = 0; i < step_ms.size(); ++i) identity_step_ms[i] += step_ms[i];
    }
    paths[0].steps = identity.last_run().steps_run;
    for (size_t p = 1; p < paths.size(); ++p) {
      if (!exit_names.empty()) early_exit.set_exit_policy({ExitPolicy::Kind::kForce, static_cast<int>(p - 1)});
      ASSIGN_OR_RETURN(ms, timed_run(early_exit, inputs, &outputs));
      if (round >= 0) paths[p].ms.push_back(ms);
      paths[p].steps = early_exit.last_run().steps_run;
    }
  }
  early_exit.set_exit_policy({});
  paths[0].macs = macs_of_steps(*identity.plan(), paths[0].steps);
  const double identity_total = std::accumulate(identity_step_ms.begin(), identity_step_ms.end(), 0.0);
  for (size_t p = 1; p < paths.size(); ++p) {
    paths[p].macs = macs_of_steps(*early_exit.plan(), paths[p].steps);
    std::set<std::string> run;
    for (size_t s = 0; s < paths[p].steps; ++s) run.insert(early_exit.plan()->step_node(s).name);
    double shared = 0;
    for (size_t s = 0; s < identity_step_ms.size(); ++s) {
      if (run.count(identity.plan()->step_node(s).name)) shared += identity_step_ms[s];
    }
    paths[p].identity_time_share = identity_total > 0 ? shared / identity_total : 1;
  }
  return paths;
}

void print_exit_paths(std::FILE* log, const std::vector<ExitPathTiming>& paths) {
  std::fprintf(log, "early exit full-size latency: identity and each path in interleaved rounds of %zu (ms)\n",
              paths[0].ms.size());
  std::fprintf(log, "           %-26s %6s %9s %8s %9s %9s %9s %9s\n", "path", "steps", "GMACs", "of id.", "id. time",
              "median", "mean", "speed-up");
  const LatencyStats id = summarize(paths[0].ms);
  for (const ExitPathTiming& p : paths) {
    const LatencyStats s = summarize(p.ms);
    std::fprintf(log, "           %-26s %6zu %9.3f %7.1f%% %8.1f%% %9.3f %9.3f %8.2fx\n", p.label.c_str(), p.steps,
                static_cast<double>(p.macs) * 1e-9, 100.0 * static_cast<double>(p.macs) / static_cast<double>(paths[0].macs),
                100.0 * p.identity_time_share, s.median, s.mean, id.mean / s.mean);
  }
  std::fprintf(log, "           (of id.: MACs as a share of identity's; id. time: the share of identity's step time in the "
              "steps the path runs too)\n");
  if (paths.size() == 2) {
    const double measured = 1.0 - summarize(paths[1].ms).mean / id.mean;
    std::fprintf(log, "           latency saved %.1f%% of identity; the skipped blocks' share of identity's step time %.1f%%, "
                "of its MACs %.1f%%\n", 100.0 * measured, 100.0 * (1 - paths[1].identity_time_share),
                100.0 * (1 - static_cast<double>(paths[1].macs) / static_cast<double>(paths[0].macs)));
  }
}

Status print_early_exit_surrogate(const std::string& zoo_name, const AccuracyOptions& accuracy, const OperatorOptions& op,
                                  const std::vector<ExitPathTiming>& paths, std::vector<double>* exit_rates,
                                  AccuracySummary* summary) {
  std::FILE* log = accuracy.log;
  *summary = AccuracySummary{};
  const std::string dir = data::trained_models_dir() + "/" + zoo_name;
  if (!std::filesystem::exists(dir + "/record.json")) {
    summary->note = "no trained surrogate for '" + zoo_name + "' in models/trained/";
    std::fprintf(log, "accuracy   n/a: %s\n", summary->note.c_str());
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(data::TrainedRecord record, data::load_trained_record(dir));
  const auto t_build = Clock::now();
  ASSIGN_OR_RETURN(TrainedEarlyExit ee, trained_early_exit(record, op, accuracy.threads));
  const double build_s = ms_since(t_build) / 1000;
  data::EvalRequest request;
  ASSIGN_OR_RETURN(request.model_path, record.model_path("fp32"));
  request.task = record.task;
  ASSIGN_OR_RETURN(std::unique_ptr<data::TaskEvaluator> task, data::load_task_evaluator(request));
  SessionOptions options;
  options.threads = accuracy.threads;
  ASSIGN_OR_RETURN(std::unique_ptr<Session> identity, Session::load_file(request.model_path, options));
  ASSIGN_OR_RETURN(std::unique_ptr<Session> armed, Session::from_graph(ee.graph, options));
  RETURN_IF_ERROR(task->check_model(identity->graph()));  // also tells a text task which inputs to make

  const size_t exits = ee.exit_names.size();
  const int64_t total = accuracy.limit > 0 ? std::min(accuracy.limit, task->size()) : task->size();
  std::vector<std::vector<int64_t>> ee_counts(exits + 1), id_counts(exits + 1);
  std::vector<int64_t> taken(exits + 1, 0), ee_all, id_all;
  std::vector<double> ee_ms, id_ms;
  std::vector<NamedTensor> outputs;
  for (int64_t i = 0; i < total; ++i) {
    ASSIGN_OR_RETURN(std::vector<NamedTensor> inputs, task->inputs(i, 1, 1));
    ASSIGN_OR_RETURN(double ms, timed_run(*identity, inputs, &outputs));
    id_ms.push_back(ms);
    ASSIGN_OR_RETURN(std::vector<int64_t> id_c, task->sample_counts(outputs[0].tensor, 0, i));
    ASSIGN_OR_RETURN(ms, timed_run(*armed, inputs, &outputs));
    ee_ms.push_back(ms);
    ASSIGN_OR_RETURN(std::vector<int64_t> ee_c, task->sample_counts(outputs[0].tensor, 0, i));
    summary->sample_scores.push_back(data::sample_score(*task, ee_c));
    summary->identity_sample_scores.push_back(data::sample_score(*task, id_c));
    const size_t branch = exits == 0 ? 0 : static_cast<size_t>(outputs.at(1).tensor.data<int64_t>()[0]);
    ++taken[branch];
    add_counts(ee_counts[branch], ee_c);
    add_counts(id_counts[branch], id_c);
    add_counts(ee_all, ee_c);
    add_counts(id_all, id_c);
  }
  const std::string metric = task->metrics_of(ee_all).at(0).name;
  std::fprintf(log, "early exit on the trained surrogate (%s; %s test split, %lld samples one at a time; built in %.1f s)\n",
              record.architecture.c_str(), data::task_name(record.task), static_cast<long long>(total), build_s);
  std::fprintf(log, "           %s\n", ee.summary.c_str());
  if (exits > 0) {
    std::fprintf(log, "           %-22s %10s %8s %8s %14s %22s\n", "exit", "threshold", "calib.", "rate", metric.c_str(),
                (metric + " of identity").c_str());
    for (size_t k = 0; k <= exits; ++k) {
      const std::string name = k == exits ? "final" : std::to_string(k) + " (" + ee.exit_names[k] + ")";
      char threshold[16] = "-";
      if (k < exits) std::snprintf(threshold, sizeof threshold, "%.4f", ee.choice.thresholds[k]);
      std::fprintf(log, "           %-22s %10s %7.1f%% %7.1f%% %14s %22s\n", name.c_str(), threshold,
                  100.0 * ee.choice.exit_rates[k], 100.0 * static_cast<double>(taken[k]) / static_cast<double>(total),
                  metric_cell(*task, ee_counts[k], taken[k]).c_str(), metric_cell(*task, id_counts[k], taken[k]).c_str());
    }
  }
  const double ee_metric = task->metrics_of(ee_all).at(0).percent, id_metric = task->metrics_of(id_all).at(0).percent;
  summary->measured = true;
  summary->note = "early exit on the trained surrogate: " + ee.summary;
  summary->metric = metric;
  summary->percent = ee_metric;
  summary->drop = id_metric - ee_metric;
  std::fprintf(log, "           overall %s %.2f %% vs identity %.2f %%: drop %+.2f points\n", metric.c_str(), ee_metric,
              id_metric, id_metric - ee_metric);
  const LatencyStats id = summarize(id_ms), e = summarize(ee_ms);
  std::fprintf(log, "           latency per sample (ms): identity mean %.4f median %.4f; early exit mean %.4f median %.4f"
              " -> %.2fx mean, %.2fx median\n", id.mean, id.median, e.mean, e.median, id.mean / e.mean,
              id.median / e.median);
  exit_rates->clear();
  for (size_t k = 0; k <= exits && exits > 0; ++k)
    exit_rates->push_back(static_cast<double>(taken[k]) / static_cast<double>(total));
  if (exits > 0 && paths.size() == exits + 2) {
    const auto [mean, median] = mixed_latency(paths, *exit_rates);
    const LatencyStats full = summarize(paths[0].ms);
    std::fprintf(log, "           full-size model, its exit paths mixed by these rates: mean %.3f ms, median %.3f ms vs "
                "identity mean %.3f ms -> %.2fx mean\n", mean, median, full.mean, full.mean / mean);
  }
  return Status::Ok();
}

}  // namespace edgerun
