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

// Validates the node's input count, input types and dtype support, then runs its inference.
Status infer_node(InferContext& ctx);

}  // namespace edgerun
