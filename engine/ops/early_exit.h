// EarlyExit's run (graph/ops/early_exit.h) under an exit policy (engine/session.h). The op's plain run
// function, run_EarlyExit, uses the thresholds; the Plan calls this one with the session's policy.
#pragma once

#include "engine/ops/kernel_context.h"
#include "engine/session.h"

namespace edgerun::ops {

Status run_early_exit(KernelContext& ctx, const ExitPolicy& policy);

// True when every sample of a `taken` output (int64 [N]) has taken an exit.
bool all_samples_exited(const Tensor& taken);

}  // namespace edgerun::ops
