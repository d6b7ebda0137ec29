// bench_engine --placement: the model on real tiers. Each placement starts its tier servers
// (tools/placement), chooses the cut of a partitioned one (--cut paper | auto | STEP), times the
// requests end to end and takes each apart: compute per tier, transfer and bytes per link (beside
// what bytes / bandwidth + RTT predicts), serialisation. With --fallback local a request whose tier
// fails is finished in this process, and the output says so. An early-exit model is timed per exit
// path: an exit taken before the cut ends the request on the first tier, which ships nothing on.
// With `cold` every request has each tier rebuild its session (the studies' protocol). Request i
// sends input set i % N, as local timing does; after the timed requests, each tier's peak resident
// memory is read from its process.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "engine/session.h"
#include "tools/placement/placement.h"

namespace edgerun {

struct PlacementBenchOptions {
  std::vector<std::string> placements;  // names, or "all"
  bool partitioned_only = false;        // the partition step: split placements only ("all": all split ones)
  std::string tiers_file;               // "" = built-in profiles
  std::string cut = "paper";            // paper | auto | step index
  std::string fallback = "none";        // none | local
  std::string zoo_model;                // for --cut paper; "" for a model file
  ServedModelSpec served;               // what each tier server loads (its args) and how it limits itself
  int warmup = 2;
  int repeats = 10;
  int profile_runs = 5;  // per-step profiles per tier for --cut auto
  bool warm = true;   // time warm requests (PlacementTiming::ms, exit paths)
  bool cold = false;  // then cold ones: each rebuilds each tier's session (compute includes the rebuild)
  std::FILE* log = stdout;  // where the per-placement breakdown goes (stderr when stdout carries a table)
  // Dynamic early exit: the exits' blocks; each exit path (then the final output) is timed by forcing
  // it, and, given the trained surrogate's exit rates (exits + 1 of them), mixed by them.
  std::vector<std::string> exit_names;
  std::vector<double> exit_rates;
};

// What one placement measured, besides what it prints: the end-to-end latency of the timed requests
// (an early-exit model: of its final-output path; its exit paths in exit_path_ms, in exit order) and
// the bytes all links carried per request (median; 0 on one tier), and each tier server's peak
// resident memory (VmHWM, MiB, in placement order) after all its requests. The study grids record these.
struct PlacementTiming {
  std::string placement;
  std::vector<double> ms;       // warm requests
  std::vector<double> cold_ms;  // cold requests (the final output's path)
  std::vector<std::vector<double>> exit_path_ms;
  double bytes_per_request = 0;
  std::vector<double> tier_peak_memory_mb;
};

// `local` is this process's compile of the same model (its plan numbers the steps, and it runs the
// fallback); request i sends input_sets[i % N] (warm-up included, as local timing counts); the cut
// choice profiles with the first set. One PlacementTiming per placement, in order.
Result<std::vector<PlacementTiming>> run_placement_bench(const PlacementBenchOptions& options, Session& local,
                                                         const std::vector<std::vector<NamedTensor>>& input_sets);

}  // namespace edgerun
