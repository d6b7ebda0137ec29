// The reference side of graph/passes/fuse_epilogue_adds: when a Conv, Gemm or MatMul that took an
// Add runs on its reference run function (not prepared on a kernel family), the run function calls
// this after computing the product to add the fused bias and residual.
#pragma once

#include "engine/ops/kernel_context.h"

namespace edgerun::ops {

Status add_fused_addends(KernelContext& ctx);

}  // namespace edgerun::ops
