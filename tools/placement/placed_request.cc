#include "tools/placement/placed_request.h"

#include <chrono>

#include "engine/plan.h"

namespace edgerun {

Result<RequestOutcome> run_placed_request(PlacementServers& servers, const std::vector<NamedTensor>& inputs, size_t cut,
                                          Session& local, bool fallback_local, int forced_exit, bool cold) {
  if (local.plan() == nullptr) return internal_error("run_placed_request: the local session has no plan");
  RequestOutcome outcome;
  auto served = servers.infer(inputs, cut, local.plan()->num_steps(), false, forced_exit, cold);
  if (served.ok()) {
    outcome.outputs = std::move(served.value().outputs);
    outcome.record = record_of(served.value().timing);
    return outcome;
  }
  const Status failure = served.status().with_context("placement " + servers.placement().name);
  if (!fallback_local) return failure;
  outcome.fell_back = true;
  outcome.failure = failure.to_string();
  const auto t0 = std::chrono::steady_clock::now();
  if (forced_exit >= 0) local.set_exit_policy({ExitPolicy::Kind::kForce, forced_exit});
  const Status st = local.run(inputs, &outcome.outputs);
  local.set_exit_policy({});
  RETURN_IF_ERROR(st);
  outcome.record.total_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return outcome;
}

}  // namespace edgerun
