#include "tools/bench_engine/placement_bench.h"

#include <cstdio>
#include <numeric>

#include "engine/plan.h"
#include "tools/common/latency_stats.h"
#include "tools/common/progress.h"
#include "tools/placement/cut_choice.h"
#include "tools/placement/placed_request.h"

namespace edgerun {

namespace {

std::string format(const char* fmt, double a) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), fmt, a);
  return buf;
}

std::string describe_cut(const partition::CutPoint& cut, size_t num_steps) {
  std::string s = "step " + std::to_string(cut.step) + " of " + std::to_string(num_steps) + ", after " + cut.after +
                  ": " + std::to_string(cut.tensors.size()) + " tensor(s)";
  for (size_t i = 0; i < cut.tensors.size(); ++i) {
    s += (i ? ", " : " ") + cut.tensors[i] + " " + shape_to_string(cut.shapes[i]) + " " + dtype_name(cut.dtypes[i]);
  }
  return s + ", " + std::to_string(cut.bytes) + " B";
}

std::string describe_tier(const TierProfile& t) {
  return format("%.2g CPU", t.cpu_share) + ", " + std::to_string(t.threads) + " thread(s), ISA " + t.isa + ", " +
         format("%.3g GiB", static_cast<double>(t.memory_bytes) / (1 << 30)) + "; its link " +
         format("%.4g Mbit/s", t.link.bandwidth_mbit) + format(", RTT %.3g ms", t.link.rtt_ms) +
         format(", jitter %.3g ms", t.link.jitter_ms);
}

// The server's own account of the limits it applied (its start-up lines).
void print_server_limits(std::FILE* log, TierProcess& process) {
  const std::string text = process.log();
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(pos, end - pos);
    if (line.find("limit") != std::string::npos) std::fprintf(log, "             %s\n", line.c_str());
    pos = end + 1;
  }
}

double median_of(std::vector<double> v) { return summarize(std::move(v)).median; }

// The median over requests of one per-tier (or per-link) part; 0 where a record lacks it.
double median_part(const std::vector<RequestRecord>& records, std::vector<double> RequestRecord::*part, size_t i) {
  std::vector<double> v;
  for (const RequestRecord& r : records) v.push_back(i < (r.*part).size() ? (r.*part)[i] : 0);
  return median_of(std::move(v));
}

void print_records(std::FILE* log, const std::vector<RequestRecord>& records, PlacementServers& servers, int fallbacks,
                   bool cold) {
  std::vector<double> total;
  for (const RequestRecord& r : records) total.push_back(r.total_ms);
  const LatencyStats lat = summarize(total);
  std::fprintf(log, "  latency    %zu requests (ms)   median %.3f  p90 %.3f  mean %.3f  std %.3f  min %.3f  max %.3f\n",
               lat.count, lat.median, lat.p90, lat.mean, lat.stddev, lat.min, lat.max);
  if (fallbacks > 0) std::fprintf(log, "  fallback   %d request(s) finished locally\n", fallbacks);
  if (records.empty()) return;
  const size_t hops = records.front().compute_ms.size();
  std::fprintf(log, "  compute   ");
  for (size_t h = 0; h < hops; ++h) {
    std::fprintf(log, " %s %.3f ms", servers.placement().tiers[h].c_str(),
                 median_part(records, &RequestRecord::compute_ms, h));
  }
  std::fprintf(log, "   (medians)\n");
  if (cold) {
    std::fprintf(log, "  rebuild   ");
    for (size_t h = 0; h < hops; ++h) {
      std::fprintf(log, " %s %.3f ms", servers.placement().tiers[h].c_str(),
                   median_part(records, &RequestRecord::rebuild_ms, h));
    }
    std::fprintf(log, "   (medians; cold: copy of the graph + compile, part of compute)\n");
  }
  for (size_t h = 0; h < hops; ++h) {
    const int64_t bytes = records.front().link_bytes[h];
    const std::string from = h == 0 ? "client" : servers.placement().tiers[h - 1];
    const LinkProfile& link = servers.profile(h).link;
    std::fprintf(log, "  link       %s -> %s: %lld B, transfer %.3f ms (bytes / bandwidth + RTT = %.3f ms)\n",
                 from.c_str(), servers.placement().tiers[h].c_str(), static_cast<long long>(bytes),
                 median_part(records, &RequestRecord::transfer_ms, h), expected_transfer_ms(link, bytes));
  }
  std::vector<double> ser;
  for (const RequestRecord& r : records) ser.push_back(r.serialize_ms);
  std::fprintf(log, "  serialise  %.3f ms (encode + decode at both ends of every hop, median)\n", median_of(ser));
}

// The timed requests of one path through a placement.
struct TimedRequests {
  std::vector<double> ms;           // end to end
  double bytes_per_request = 0;     // all links, median
};

// warmup + repeats requests through the placement, request i with input set i % N, their breakdown printed.
Result<TimedRequests> time_requests(const PlacementBenchOptions& options, PlacementServers& servers, Session& local,
                                    const std::vector<std::vector<NamedTensor>>& input_sets, size_t cut,
                                    int forced_exit, bool cold) {
  std::vector<RequestRecord> records;
  int fallbacks = 0;
  ProgressBar bar(cold ? "cold requests" : "requests", options.warmup + options.repeats);
  for (int i = 0; i < options.warmup + options.repeats; ++i) {
    bar.update(i);
    const std::vector<NamedTensor>& inputs = input_sets[static_cast<size_t>(i) % input_sets.size()];
    ASSIGN_OR_RETURN(
        RequestOutcome outcome,
        run_placed_request(servers, inputs, cut, local, options.fallback == "local", forced_exit, cold));
    if (outcome.fell_back) {
      std::fprintf(options.log, "  fallback   request %d: %s; finished locally (this process, no tier limits)\n", i + 1,
                   outcome.failure.c_str());
      ++fallbacks;
    }
    if (i >= options.warmup) records.push_back(outcome.record);
  }
  // Fallback records have no per-hop parts: the breakdown uses the served ones.
  std::vector<RequestRecord> served;
  for (const RequestRecord& r : records) {
    if (!r.compute_ms.empty()) served.push_back(r);
  }
  print_records(options.log, served.empty() ? records : served, servers, fallbacks, cold);
  TimedRequests timed;
  std::vector<double> bytes;
  for (const RequestRecord& r : records) {
    timed.ms.push_back(r.total_ms);
    bytes.push_back(static_cast<double>(std::accumulate(r.link_bytes.begin(), r.link_bytes.end(), int64_t{0})));
  }
  timed.bytes_per_request = median_of(bytes);
  return timed;
}

// Each tier server's peak resident memory after the placement's requests, printed.
Result<std::vector<double>> read_peak_memory(std::FILE* log, PlacementServers& servers) {
  std::vector<double> peaks;
  for (size_t t = 0; t < servers.num_tiers(); ++t) {
    ASSIGN_OR_RETURN(double mb, servers.tier(t).peak_memory_mb());
    peaks.push_back(mb);
  }
  std::fprintf(log, "  memory    ");
  for (size_t t = 0; t < peaks.size(); ++t) {
    std::fprintf(log, " %s peak %.1f MiB", servers.placement().tiers[t].c_str(), peaks[t]);
  }
  std::fprintf(log, "   (resident, VmHWM)\n");
  return peaks;
}

// The timed warm paths of one placement: the final output, or each exit path of an early-exit model.
Status time_paths(const PlacementBenchOptions& options, PlacementServers& servers, Session& local,
                  const std::vector<std::vector<NamedTensor>>& input_sets, size_t cut, PlacementTiming* timing) {
  if (options.exit_names.empty()) {
    ASSIGN_OR_RETURN(TimedRequests timed, time_requests(options, servers, local, input_sets, cut, -1, false));
    timing->ms = std::move(timed.ms);
    timing->bytes_per_request = timed.bytes_per_request;
    return Status::Ok();
  }
  std::vector<double> path_means;
  for (size_t k = 0; k <= options.exit_names.size(); ++k) {
    const bool final = k == options.exit_names.size();
    std::fprintf(options.log, "  path       %s\n",
                 final ? "final output" : ("exit " + std::to_string(k) + " (" + options.exit_names[k] + ")").c_str());
    ASSIGN_OR_RETURN(TimedRequests timed,
                     time_requests(options, servers, local, input_sets, cut, static_cast<int>(k), false));
    path_means.push_back(summarize(timed.ms).mean);
    if (final) {
      timing->ms = std::move(timed.ms);
      timing->bytes_per_request = timed.bytes_per_request;
    } else {
      timing->exit_path_ms.push_back(std::move(timed.ms));
    }
  }
  if (options.exit_rates.size() != path_means.size()) return Status::Ok();
  double mean = 0;
  for (size_t k = 0; k < path_means.size(); ++k) mean += options.exit_rates[k] * path_means[k];
  std::fprintf(
      options.log,
      "  mixed      by the trained surrogate's exit rates: mean %.3f ms vs the final path's %.3f ms -> %.2fx\n", mean,
      path_means.back(), path_means.back() / mean);
  return Status::Ok();
}

Result<PlacementTiming> bench_one(const Placement& placement, const TierSet& tiers,
                                  const PlacementBenchOptions& options, Session& local,
                                  const std::vector<std::vector<NamedTensor>>& input_sets) {
  const Plan& plan = *local.plan();
  std::fprintf(options.log, "\nplacement  %s\n", placement.name.c_str());
  ASSIGN_OR_RETURN(auto servers, PlacementServers::start(placement, tiers, options.served));
  for (size_t t = 0; t < servers->num_tiers(); ++t) {
    std::fprintf(options.log, "  tier       %s: %s\n", placement.tiers[t].c_str(),
                 describe_tier(servers->profile(t)).c_str());
    print_server_limits(options.log, servers->tier(t));
  }
  size_t cut = plan.num_steps();
  if (placement.partitioned()) {
    ASSIGN_OR_RETURN(ChosenCut chosen, choose_cut(options.cut, *servers, plan, options.zoo_model, input_sets.front(),
                                                  options.profile_runs));
    cut = chosen.cut.step;
    std::fprintf(options.log, "  cut        %s: %s\n", chosen.how.c_str(),
                 describe_cut(chosen.cut, plan.num_steps()).c_str());
  }
  PlacementTiming timing;
  timing.placement = placement.name;
  if (options.warm) RETURN_IF_ERROR(time_paths(options, *servers, local, input_sets, cut, &timing));
  if (options.cold) {  // the final output's path: a cold request's exits are what a warm one's are
    if (options.warm) std::fprintf(options.log, "  cold requests\n");
    ASSIGN_OR_RETURN(TimedRequests timed, time_requests(options, *servers, local, input_sets, cut, -1, true));
    timing.cold_ms = std::move(timed.ms);
    timing.bytes_per_request = timed.bytes_per_request;
  }
  ASSIGN_OR_RETURN(timing.tier_peak_memory_mb, read_peak_memory(options.log, *servers));
  return timing;
}

}  // namespace

Result<std::vector<PlacementTiming>> run_placement_bench(const PlacementBenchOptions& options, Session& local,
                                                         const std::vector<std::vector<NamedTensor>>& input_sets) {
  if (input_sets.empty()) return invalid_argument("no input sets to send to the placements");
  if (options.log == nullptr) return invalid_argument("the placement bench has no log stream");
  if (options.fallback != "none" && options.fallback != "local") {
    return invalid_argument("--fallback must be none or local, got '" + options.fallback + "'");
  }
  ASSIGN_OR_RETURN(TierSet tiers, load_tiers(options.tiers_file));
  std::vector<Placement> placements;
  for (const std::string& name : options.placements) {
    if (name == "all") {
      for (const std::string& known : placement_names()) {
        Placement p = parse_placement(known).value();
        if (p.partitioned() || !options.partitioned_only) placements.push_back(p);
      }
      continue;
    }
    ASSIGN_OR_RETURN(Placement p, parse_placement(name));
    if (options.partitioned_only && !p.partitioned()) {
      return invalid_argument("the partition step splits the model across two tiers; placement '" + name +
                              "' runs it on one (give mobile-edge, edge-cloud or mobile-cloud)");
    }
    placements.push_back(p);
  }
  if (local.plan() == nullptr) {
    ASSIGN_OR_RETURN(auto shapes, local.default_input_shapes());
    RETURN_IF_ERROR(local.prepare(shapes));
  }
  std::fprintf(options.log, "tiers      %s\n", tiers.source.c_str());
  std::vector<PlacementTiming> timings;
  for (const Placement& p : placements) {
    ASSIGN_OR_RETURN(PlacementTiming timing, bench_one(p, tiers, options, local, input_sets));
    timings.push_back(std::move(timing));
  }
  return timings;
}

}  // namespace edgerun
