#include "tools/bench_engine/step_profile.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numeric>

#include "engine/plan.h"
#include "graph/model_stats.h"
#include "tools/common/latency_stats.h"

namespace edgerun {

namespace {

std::string output_shape(const Graph& g, const Node& node) {
  for (ValueId id : node.outputs) {
    if (id == kNoValue) continue;
    const Value& v = g.value(id);
    return v.has_shape ? sym_shape_to_string(v.shape) : "?";
  }
  return "-";
}

}  // namespace

Result<std::vector<StepProfile>> profile_steps(Session& session, const std::vector<NamedTensor>& inputs, int runs) {
  if (runs < 1) return invalid_argument("--profile needs at least one run, got " + std::to_string(runs));
  if (session.plan() == nullptr) return invalid_argument("profile_steps: the session has not compiled a plan");
  const Plan& plan = *session.plan();
  std::vector<StepProfile> steps(plan.num_steps());
  for (size_t s = 0; s < steps.size(); ++s) {
    const Node& node = plan.step_node(s);
    steps[s] = {s, node.name, plan.step_op(s), plan.step_kernel(s), output_shape(plan.graph(), node),
                node_macs(plan.graph(), node), 0, {}};
  }
  std::vector<NamedTensor> outputs;
  std::vector<double> step_ms;
  for (int r = -1; r < runs; ++r) {  // run -1 warms the caches and is not recorded
    RETURN_IF_ERROR(session.run_steps(0, plan.num_steps(), inputs, &outputs, &step_ms));
    if (r < 0) continue;
    for (size_t s = 0; s < steps.size() && s < step_ms.size(); ++s) steps[s].run_ms.push_back(step_ms[s]);
  }
  for (StepProfile& p : steps) p.median_ms = summarize(p.run_ms).median;
  return steps;
}

std::string format_step_profile(const std::vector<StepProfile>& steps, size_t top) {
  std::vector<const StepProfile*> order;
  for (const StepProfile& p : steps) order.push_back(&p);
  std::stable_sort(order.begin(), order.end(),
                   [](const StepProfile* a, const StepProfile* b) { return a->median_ms > b->median_ms; });
  const double total = std::accumulate(steps.begin(), steps.end(), 0.0,
                                       [](double sum, const StepProfile& p) { return sum + p.median_ms; });
  const size_t runs = steps.empty() ? 0 : steps.front().run_ms.size();
  char line[512];
  std::snprintf(line, sizeof line, "step profile: %zu steps, median of %zu runs each, sum %.3f ms\n", steps.size(),
                runs, total);
  std::string out = line;
  std::snprintf(line, sizeof line, "%5s  %-18s %-34s %-28s %-20s %10s %7s %8s %9s\n", "step", "op", "node", "kernel",
                "output", "ms", "share", "cum.", "GFLOP/s");
  out += line;
  const size_t shown = top == 0 ? order.size() : std::min(top, order.size());
  double cumulative = 0;
  for (size_t i = 0; i < shown; ++i) {
    const StepProfile& p = *order[i];
    cumulative += p.median_ms;
    char gflops[16] = "-";
    if (p.macs > 0 && p.median_ms > 0) {
      std::snprintf(gflops, sizeof gflops, "%.1f", 2.0 * static_cast<double>(p.macs) / (p.median_ms * 1e6));
    }
    std::snprintf(line, sizeof line, "%5zu  %-18.18s %-34.34s %-28.28s %-20.20s %10.4f %6.1f%% %7.1f%% %9s\n", p.step,
                  p.op.c_str(), p.node.c_str(), p.kernel.c_str(), p.output_shape.c_str(), p.median_ms,
                  total > 0 ? 100.0 * p.median_ms / total : 0.0, total > 0 ? 100.0 * cumulative / total : 0.0,
                  gflops);
    out += line;
  }
  if (shown < order.size()) {
    std::snprintf(line, sizeof line, "       ... %zu more steps, %.3f ms (%.1f%%)\n", order.size() - shown,
                  total - cumulative, total > 0 ? 100.0 * (total - cumulative) / total : 0.0);
    out += line;
  }
  return out;
}

std::string step_profile_trace(const std::vector<StepProfile>& steps, size_t run) {
  nlohmann::json events = nlohmann::json::array();
  double ts_us = 0;
  for (const StepProfile& p : steps) {
    const double dur_us = run < p.run_ms.size() ? 1000.0 * p.run_ms[run] : 0.0;
    events.push_back({{"name", p.node.empty() ? p.op : p.node},
                      {"cat", p.op},
                      {"ph", "X"},
                      {"ts", ts_us},
                      {"dur", dur_us},
                      {"pid", 1},
                      {"tid", 1},
                      {"args", {{"step", p.step}, {"kernel", p.kernel}, {"output", p.output_shape}, {"macs", p.macs}}}});
    ts_us += dur_us;
  }
  return nlohmann::json{{"traceEvents", events}, {"displayTimeUnit", "ms"}}.dump() + "\n";
}

}  // namespace edgerun
