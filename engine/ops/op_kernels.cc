#include "engine/ops/op_kernels.h"

#include "engine/op_resolver.h"

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

const OpResolver& builtin_op_resolver() {
  static const OpResolver resolver = [] {
    OpResolver r;
#define EDGERUN_OP(Name) r.add(OpType::k##Name, &ops::infer_##Name, &ops::run_##Name, kPrepareFunction<OpType::k##Name>);
#include "graph/ops/op_list.inc"
#undef EDGERUN_OP
    return r;
  }();
  return resolver;
}

Status evaluate_node(const Node& node, const std::vector<const Tensor*>& inputs, std::vector<Tensor*>& outputs) {
  RunFn fn = run_function(node.op);
  if (fn == nullptr) return unsupported(node.describe() + ": no kernel");
  KernelContext ctx(node, inputs, outputs);
  return fn(ctx);
}

}  // namespace edgerun
