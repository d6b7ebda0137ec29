// Placements (DESIGN.md's vocabulary): where a model runs. One tier (mobile, edge, cloud) or a cut
// graph over two (mobile-edge, edge-cloud, mobile-cloud). Every tier is a real `edgerun-serve`
// process limited to its profile; the client ships the input over the first tier's link, the first
// tier runs steps [0, cut) and forwards the crossing tensors over the second tier's link, the second
// runs [cut, N), and the outputs come back along the same path.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/session.h"
#include "tools/placement/tier_process.h"
#include "tools/serve/tier_client.h"
#include "tools/tier/tier_profile.h"

namespace edgerun {

struct Placement {
  std::string name;                // "mobile-edge"
  std::vector<std::string> tiers;  // in request order: {"mobile", "edge"}
  bool partitioned() const { return tiers.size() == 2; }
};

// mobile, edge, cloud, mobile-edge, edge-cloud, mobile-cloud (the studies' six).
const std::vector<std::string>& placement_names();
Result<Placement> parse_placement(const std::string& name);

// What every tier server loads: the same model, operator and shapes, so all compile the same plan.
struct ServedModelSpec {
  std::vector<std::string> args;  // edgerun-serve arguments: --model, --op, --calibrator, --dim, --backend
  std::string tiers_file;         // "" = built-in profiles
  std::string limit = "auto";     // --limit of the servers: auto, cgroup, duty, none
  std::string server_path;        // "" = edgerun-serve beside the running executable
};

// The running servers of one placement, first tier first, and the client's shaper of the first link.
class PlacementServers {
 public:
  static Result<std::unique_ptr<PlacementServers>> start(const Placement& placement, const TierSet& tiers,
                                                         const ServedModelSpec& model);
  const Placement& placement() const { return placement_; }
  TierProcess& tier(size_t i) { return *processes_.at(i); }
  size_t num_tiers() const { return processes_.size(); }
  const TierProfile& profile(size_t i) const { return profiles_.at(i); }

  // One inference: the first tier runs steps [0, cut) and its next tier [cut, num_steps). A
  // single-tier placement takes cut = num_steps. `profile` asks every tier for per-step times;
  // `forced_exit` >= 0 forces that exit of an early-exit model (a tier whose steps end in it answers
  // without forwarding); `cold` has every tier rebuild its session for the request (the studies'
  // protocol; the rebuild is part of each tier's compute time).
  Result<serve::InferResult> infer(const std::vector<NamedTensor>& inputs, size_t cut, size_t num_steps,
                                   bool profile = false, int forced_exit = -1, bool cold = false);
  // The same, sent straight to tier i (no link shaping, no forward): profiles one tier's steps.
  Result<serve::InferResult> infer_on(size_t tier, const std::vector<NamedTensor>& inputs, size_t num_steps,
                                      bool profile);

 private:
  PlacementServers() = default;
  Placement placement_;
  std::vector<TierProfile> profiles_;
  std::vector<std::unique_ptr<TierProcess>> processes_;  // same order as placement_.tiers
  std::unique_ptr<serve::LinkShaper> first_link_;
};

}  // namespace edgerun
