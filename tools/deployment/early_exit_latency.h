// Early exit on a full-size model for latency (deployment_operator.h): static block skipping, or exit
// heads with seeded random weights whose thresholds never fire, so each exit path is measured by
// forcing it (engine/session.h ExitPolicy::kForce). With sptq+early_exit the graph is quantized after
// the heads are attached and before they are armed.
#pragma once

#include "operators/early_exit/exit_points.h"
#include "tools/deployment/deployment_operator.h"

namespace edgerun {

// `zoo_name`: the zoo model `model` was built as ("" for a model file).
Result<AppliedOperator> early_exit_for_latency(const Graph& model, const OperatorOptions& options,
                                               const std::string& zoo_name);

// The exit points options.early_exit.points names on a model; when empty, the default points, or for
// a zoo model with a trained surrogate the points corresponding to the surrogate's default ones, so
// the surrogate's exit rates apply to the full-size model's exits one to one.
Result<std::vector<early_exit::Block>> early_exit_points(const Graph& model, const EarlyExitOptions& options,
                                                         const std::string& zoo_name = "");

}  // namespace edgerun
