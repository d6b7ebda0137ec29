// The reference run function of every op, generated from op_list.inc. Each `run_<Op>` reads its
// node's attributes and calls the raw kernels in kernels/ref; it is defined in the op family's file
// under engine/ops/.
#pragma once

#include "engine/ops/kernel_context.h"
#include "graph/ops/op_type.h"

namespace edgerun {

using RunFn = Status (*)(KernelContext&);

namespace ops {
#define EDGERUN_OP(Name) Status run_##Name(KernelContext& ctx);
#include "graph/ops/op_list.inc"
#undef EDGERUN_OP
}  // namespace ops

RunFn run_function(OpType op);

// Runs one node on its reference run function into outputs the caller allocated: constant folding's
// evaluator (graph/passes/infer_shapes.h NodeEvaluator).
Status evaluate_node(const Node& node, const std::vector<const Tensor*>& inputs, std::vector<Tensor*>& outputs);

}  // namespace edgerun
