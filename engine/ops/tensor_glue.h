// Helpers shared by the tensor family's run functions.
#pragma once

#include <string>

#include "engine/ops/kernel_context.h"
#include "graph/ops/tensor_params.h"

namespace edgerun {

// The node's arguments for the parameter builders: at run time every present input is known.
NodeArgs node_args(const KernelContext& ctx);

// Output 0 gets input 0's bytes (Reshape, Flatten, Squeeze, Unsqueeze: same data, new shape).
Status copy_input_to_output(KernelContext& ctx);

// A one-element tensor of `dtype` holding `v` (integers saturate, f16 rounds to nearest).
Tensor scalar_of_type(DType dtype, double v);

// Checks a kernel's index validation result.
inline Status check_indices(const KernelContext& ctx, bool ok) {
  return ok ? Status::Ok() : ctx.error("index out of range");
}

}  // namespace edgerun
