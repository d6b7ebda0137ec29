#include "operators/partition/cost_model.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace edgerun::partition {

namespace {

bool non_negative(double x) { return std::isfinite(x) && x >= 0.0; }

Status check_profile(const std::vector<double>& step_ms, const std::string& what) {
  for (size_t s = 0; s < step_ms.size(); ++s) {
    if (!non_negative(step_ms[s]))
      return invalid_argument(what + ": step " + std::to_string(s) + " has latency " + std::to_string(step_ms[s]) +
                              " ms");
  }
  return Status::Ok();
}

Status check_link(const LinkModel& link, const char* which) {
  if (!(std::isfinite(link.bandwidth_mbit) && link.bandwidth_mbit > 0.0))
    return invalid_argument(std::string(which) + " link: bandwidth must be positive, got " +
                            std::to_string(link.bandwidth_mbit) + " Mbit/s");
  if (!non_negative(link.rtt_ms))
    return invalid_argument(std::string(which) + " link: rtt must be >= 0, got " + std::to_string(link.rtt_ms) + " ms");
  return Status::Ok();
}

Status check_inputs(const CostInputs& in) {
  if (in.head_step_ms.size() != in.tail_step_ms.size())
    return invalid_argument("step profiles differ in length: first tier " + std::to_string(in.head_step_ms.size()) +
                            " steps, second tier " + std::to_string(in.tail_step_ms.size()));
  RETURN_IF_ERROR(check_profile(in.head_step_ms, "first tier"));
  RETURN_IF_ERROR(check_profile(in.tail_step_ms, "second tier"));
  RETURN_IF_ERROR(check_link(in.first_link, "first"));
  RETURN_IF_ERROR(check_link(in.second_link, "second"));
  if (in.input_bytes < 0 || in.output_bytes < 0) return invalid_argument("input and output bytes must be >= 0");
  if (!non_negative(in.overhead.fixed_ms) || !non_negative(in.overhead.ms_per_byte))
    return invalid_argument("per-hop overheads must be >= 0");
  return Status::Ok();
}

double sum(const std::vector<double>& v, size_t first, size_t last) {
  double total = 0.0;
  for (size_t s = first; s < last; ++s) total += v[s];
  return total;
}

}  // namespace

Result<std::vector<double>> mean_step_ms(const std::vector<std::vector<double>>& runs) {
  if (runs.empty()) return invalid_argument("no profiled run");
  std::vector<double> mean(runs[0].size(), 0.0);
  for (size_t r = 0; r < runs.size(); ++r) {
    if (runs[r].size() != mean.size())
      return invalid_argument("profiled run " + std::to_string(r) + " has " + std::to_string(runs[r].size()) +
                              " steps, run 0 has " + std::to_string(mean.size()));
    RETURN_IF_ERROR(check_profile(runs[r], "profiled run " + std::to_string(r)));
    for (size_t s = 0; s < mean.size(); ++s) mean[s] += runs[r][s];
  }
  for (double& m : mean) m /= static_cast<double>(runs.size());
  return mean;
}

double traversal_ms(const LinkModel& link, const HopOverhead& overhead, int64_t bytes) {
  const double b = static_cast<double>(bytes);
  // bits / (Mbit/s * 1e6) seconds = bits / (Mbit/s * 1e3) milliseconds.
  return link.rtt_ms / 2.0 + b * 8.0 / (link.bandwidth_mbit * 1e3) + overhead.fixed_ms + b * overhead.ms_per_byte;
}

Result<std::vector<CutCost>> predict_costs(const std::vector<CutPoint>& cuts, const CostInputs& in) {
  RETURN_IF_ERROR(check_inputs(in));
  const size_t n = in.head_step_ms.size();
  // Both client hops are paid whatever the cut: the request and the response over link(first).
  const double client_ms = traversal_ms(in.first_link, in.overhead, in.input_bytes) +
                           traversal_ms(in.first_link, in.overhead, in.output_bytes);
  std::vector<CutCost> costs;
  costs.reserve(cuts.size());
  for (const CutPoint& cut : cuts) {
    if (cut.step > n)
      return invalid_argument("cut " + std::to_string(cut.step) + " is past the last step (" + std::to_string(n) + ")");
    if (cut.bytes < 0) return invalid_argument("cut " + std::to_string(cut.step) + " has negative bytes");
    CutCost c;
    c.step = cut.step;
    c.head_ms = sum(in.head_step_ms, 0, cut.step);
    c.tail_ms = sum(in.tail_step_ms, cut.step, n);
    c.transfer_ms = client_ms;
    if (cut.step < n) {
      c.transfer_ms += traversal_ms(in.second_link, in.overhead, cut.bytes) +
                       traversal_ms(in.second_link, in.overhead, in.output_bytes);
    }
    c.total_ms = c.head_ms + c.transfer_ms + c.tail_ms;
    costs.push_back(c);
  }
  return costs;
}

Result<size_t> choose_best(const std::vector<CutCost>& costs) {
  if (costs.empty()) return invalid_argument("no cut to choose from");
  size_t best = 0;
  for (size_t i = 1; i < costs.size(); ++i) {
    if (costs[i].total_ms < costs[best].total_ms) best = i;
  }
  return best;
}

Result<ErrorSummary> prediction_error(const std::vector<CutCost>& predicted, const std::vector<double>& measured_ms) {
  if (predicted.size() != measured_ms.size())
    return invalid_argument(std::to_string(predicted.size()) + " predictions but " +
                            std::to_string(measured_ms.size()) + " measurements");
  if (predicted.empty()) return invalid_argument("no cut to compare");
  std::vector<double> errors;
  ErrorSummary summary;
  for (size_t i = 0; i < predicted.size(); ++i) {
    const double m = measured_ms[i];
    if (!(std::isfinite(m) && m > 0.0))
      return invalid_argument("cut " + std::to_string(predicted[i].step) + ": measured latency " + std::to_string(m) +
                              " ms is not positive");
    errors.push_back(std::fabs(predicted[i].total_ms - m) / m * 100.0);
    if (errors.back() > errors[summary.worst]) summary.worst = i;
  }
  summary.max_abs_pct = errors[summary.worst];
  std::vector<double> sorted = errors;
  std::sort(sorted.begin(), sorted.end());
  const size_t mid = sorted.size() / 2;
  summary.median_abs_pct = sorted.size() % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
  return summary;
}

}  // namespace edgerun::partition
