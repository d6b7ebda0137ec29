// The partition cost model (Neurosurgeon's method): per-step latency profiled on each tier, the bytes
// crossing each cut and a link model predict the end-to-end latency of every cut; the cut with the
// smallest prediction wins.
//
// The chain it models is exactly what the tier servers do for a cut K of a plan with N steps:
//   client --link(first)--> first tier runs steps [0, K)
//     if K < N: --link(second)--> carries the crossing bytes; second tier runs [K, N);
//               the outputs come back over link(second)
//   --link(first)--> the outputs reach the client.
// One traversal of a link by a message of b bytes costs
//   rtt/2 + b*8/bandwidth + per-message overhead + b * serialisation cost per byte
// (the overhead and the per-byte cost are the transport's, measured by the caller). Cut 0 runs nothing
// on the first tier: it relays the input to the second tier. Cut N never touches link(second).
#pragma once

#include <cstdint>
#include <vector>

#include "graph/status.h"
#include "operators/partition/cut_points.h"

namespace edgerun::partition {

struct LinkModel {
  double bandwidth_mbit = 0.0;  // Mbit/s (10^6 bits per second), > 0
  double rtt_ms = 0.0;          // mean round trip, mean added jitter included; one traversal costs half
};

struct HopOverhead {
  double fixed_ms = 0.0;     // per message (request or response) per hop
  double ms_per_byte = 0.0;  // serialisation + deserialisation
};

struct CostInputs {
  std::vector<double> head_step_ms;  // every step's latency on the first tier (size N)
  std::vector<double> tail_step_ms;  // every step's latency on the second tier (size N)
  LinkModel first_link;              // client <-> first tier
  LinkModel second_link;             // first tier <-> second tier
  int64_t input_bytes = 0;           // what the client sends: cut_at(plan, 0)->bytes
  int64_t output_bytes = 0;          // what comes back: cut_at(plan, N)->bytes
  HopOverhead overhead;
};

struct CutCost {
  size_t step = 0;           // the cut (CutPoint::step)
  double head_ms = 0.0;      // steps [0, K) on the first tier
  double transfer_ms = 0.0;  // every link traversal, overheads included
  double tail_ms = 0.0;      // steps [K, N) on the second tier
  double total_ms = 0.0;
};

// One tier's per-step profile from repeated Session::run_steps(0, N, ..., &step_ms) runs (warm-up runs
// left out by the caller): the mean of each step. The mean, not the median, because the prediction
// sums steps: under a CPU quota a few runs of a step are throttled, and the mean carries their share.
// Errors: no run, runs of different lengths, a negative or non-finite time.
Result<std::vector<double>> mean_step_ms(const std::vector<std::vector<double>>& runs);

// Milliseconds for one traversal of `link` by a message of `bytes`.
double traversal_ms(const LinkModel& link, const HopOverhead& overhead, int64_t bytes);

// One prediction per cut, in the cuts' order. Errors: step profiles of different lengths or with a
// negative or non-finite entry, a cut past the last step, a link without positive bandwidth, negative
// bytes, rtt or overheads.
Result<std::vector<CutCost>> predict_costs(const std::vector<CutPoint>& cuts, const CostInputs& inputs);

// Index of the smallest total (the first one on ties). Error on an empty list.
Result<size_t> choose_best(const std::vector<CutCost>& costs);

// Prediction error against measured end-to-end latency, per cut: |predicted - measured| / measured.
struct ErrorSummary {
  double median_abs_pct = 0.0;  // median of the absolute percent errors (mean of the middle two if even)
  double max_abs_pct = 0.0;
  size_t worst = 0;  // index of the cut with the largest error
};

// Errors: sizes differ, nothing to compare, a measured total that is not positive and finite.
Result<ErrorSummary> prediction_error(const std::vector<CutCost>& predicted, const std::vector<double>& measured_ms);

}  // namespace edgerun::partition
