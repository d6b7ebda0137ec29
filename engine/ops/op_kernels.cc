#include "engine/ops/op_kernels.h"

namespace edgerun {

namespace {
const RunFn kRunFns[] = {
#define EDGERUN_OP(Name) &ops::run_##Name,
#include "graph/ops/op_list.inc"
#undef EDGERUN_OP
};
}  // namespace

RunFn run_function(OpType op) {
  const int i = static_cast<int>(op);
  return i >= 0 && i < static_cast<int>(OpType::kCount) ? kRunFns[i] : nullptr;
}

Status evaluate_node(const Node& node, const std::vector<const Tensor*>& inputs, std::vector<Tensor*>& outputs) {
  RunFn fn = run_function(node.op);
  if (fn == nullptr) return unsupported(node.describe() + ": no kernel");
  KernelContext ctx(node, inputs, outputs);
  return fn(ctx);
}

}  // namespace edgerun
