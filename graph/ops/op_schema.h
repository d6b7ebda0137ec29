// Per-op schema: input/output arity and shape inference. One `infer_<Op>` per op in op_list.inc,
// defined in the op family's file (elementwise.cc, nn.cc, tensor.cc, quant.cc).
#pragma once

#include "graph/ops/infer_context.h"
#include "graph/ops/op_type.h"

namespace edgerun {

using InferFn = Status (*)(InferContext&);

namespace ops {
#define EDGERUN_OP(Name) Status infer_##Name(InferContext& ctx);
#include "graph/ops/op_list.inc"
#undef EDGERUN_OP
}  // namespace ops

InferFn infer_function(OpType op);
// Every op's inference function, indexed by OpType.
const InferFn* builtin_infer_functions();

// Validates the node's input count, input types and dtype support, then runs its inference.
Status infer_node(InferContext& ctx);
// The same with the op's inference function given (an op resolver's; null: the op is not registered).
Status infer_node_with(InferContext& ctx, InferFn fn);

}  // namespace edgerun
