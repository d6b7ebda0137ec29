// One request through a placement, with the client's fallback: when a tier is unreachable, fails or
// dies mid-request, the error names it; with fallback to local, the request is finished by this
// process's own session (no tier limits) and the outcome says so.
#pragma once

#include <string>
#include <vector>

#include "engine/session.h"
#include "tools/placement/placement.h"
#include "tools/placement/request_record.h"

namespace edgerun {

struct RequestOutcome {
  std::vector<NamedTensor> outputs;
  RequestRecord record;  // the parts of a served request; a local one has only total_ms
  bool fell_back = false;
  std::string failure;  // why it fell back
};

// `local` runs the fallback when `fallback_local`; its plan numbers the steps (compiled before).
// `forced_exit` >= 0 forces that exit path of an early-exit model, served or local. `cold` asks the tiers
// to rebuild their sessions for this request (a local fallback runs `local` warm all the same).
Result<RequestOutcome> run_placed_request(PlacementServers& servers, const std::vector<NamedTensor>& inputs, size_t cut,
                                          Session& local, bool fallback_local, int forced_exit = -1, bool cold = false);

}  // namespace edgerun
