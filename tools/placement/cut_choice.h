// Choosing the cut of a partitioned placement: a step index, the study's fixed point (`paper`), or
// `auto`: each tier's per-step latency profiled on its own server, the crossing bytes of every cut and
// the link profiles -> the predicted end-to-end latency of every cut (operators/partition/cost_model.h)
// -> the smallest.
#pragma once

#include <string>
#include <vector>

#include "engine/plan.h"
#include "operators/partition/cost_model.h"
#include "tools/placement/placement.h"

namespace edgerun {

// Per-step latency of the whole plan on one tier of a running placement: the mean of `runs` profiled
// runs after one warm-up (partition::mean_step_ms).
Result<std::vector<double>> profile_tier_steps(PlacementServers& servers, size_t tier,
                                               const std::vector<NamedTensor>& inputs, size_t num_steps, int runs);

// What encoding and decoding a KServe binary message costs per byte on this machine (the codec timed
// on an 8 MiB tensor): the serialisation term of every link traversal.
double measure_serialize_ms_per_byte();

struct CutPredictions {
  std::vector<partition::CutPoint> cuts;  // every shippable cut
  std::vector<partition::CutCost> costs;  // one per cut
  size_t best = 0;                        // index of the smallest predicted total
  partition::CostInputs inputs;           // what the model was given (profiles, links, bytes)
};

// Profiles both tiers of a partitioned placement and predicts every cut of `plan` (the client's own
// compile of the model: the servers' plans have the same steps).
Result<CutPredictions> predict_cuts(PlacementServers& servers, const Plan& plan, const std::vector<NamedTensor>& inputs,
                                    int profile_runs);

struct ChosenCut {
  partition::CutPoint cut;
  std::string how;  // "paper: ...", "auto: predicted 123.4 ms", "step 17"
};

// `spec`: "paper", "auto" or a step index. `zoo_model` names the model for `paper` ("" for a file).
Result<ChosenCut> choose_cut(const std::string& spec, PlacementServers& servers, const Plan& plan,
                             const std::string& zoo_model, const std::vector<NamedTensor>& inputs, int profile_runs);

}  // namespace edgerun
