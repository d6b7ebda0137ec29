// Early exit on a full-size model for latency (deployment_operator.h): static block skipping, or exit
// heads with seeded random weights whose thresholds never fire, so each exit path is measured by
// forcing it (engine/session.h ExitPolicy::kForce). With sptq+early_exit the graph is quantized after
// the heads are attached and before they are armed.
#pragma once

#include "operators/early_exit/exit_points.h"
#include "tools/deployment/deployment_operator.h"

namespace edgerun {

Result<AppliedOperator> early_exit_for_latency(const Graph& model, const OperatorOptions& options);

// The exit points options.early_exit.points names on a model (default points when empty).
Result<std::vector<early_exit::Block>> early_exit_points(const Graph& model, const EarlyExitOptions& options);

}  // namespace edgerun
