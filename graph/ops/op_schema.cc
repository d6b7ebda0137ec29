#include "graph/ops/op_schema.h"

namespace edgerun {

namespace {
const InferFn kInferFns[] = {
#define EDGERUN_OP(Name) &ops::infer_##Name,
#include "graph/ops/op_list.inc"
#undef EDGERUN_OP
};
}  // namespace

const InferFn* builtin_infer_functions() { return kInferFns; }

InferFn infer_function(OpType op) {
  const int i = static_cast<int>(op);
  return i >= 0 && i < static_cast<int>(OpType::kCount) ? kInferFns[i] : nullptr;
}

Status infer_node(InferContext& ctx) { return infer_node_with(ctx, infer_function(ctx.node().op)); }

Status infer_node_with(InferContext& ctx, InferFn fn) {
  const Node& node = ctx.node();
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    if (ctx.has_input(i) && !dtype_is_supported(ctx.type(i))) {
      return unsupported(node.describe() + ": input " + std::to_string(i) + " has type " + dtype_name(ctx.type(i)));
    }
  }
  if (fn == nullptr) return unsupported(node.describe() + ": unknown op, or not registered in the op resolver");
  RETURN_IF_ERROR(fn(ctx));
  for (size_t i = 0; i < ctx.num_outputs(); ++i) {
    if (node.outputs[i] == kNoValue) continue;
    if (ctx.output_type(i) == DType::kUndefined) {
      return internal_error(node.describe() + ": inference left output " + std::to_string(i) + " untyped");
    }
    RETURN_IF_ERROR(checked_num_elements(ctx.output_shape(i)).status().with_context(node.describe()));
  }
  return Status::Ok();
}

}  // namespace edgerun
