// The C API's op resolver: one registration function per op, each naming only its own op's inference,
// run function and preparation, so a firmware image that registers a model's ops links only theirs.
#include "engine/c_api_plan.h"

namespace edgerun {

static_assert(static_cast<int>(OpType::kCount) <= EDGERUN_MAX_OPS, "raise EDGERUN_MAX_OPS");

namespace {
void store_op(edgerun_op_resolver* c_ops, OpType op, InferFn infer, RunFn run, PrepareFn prepare) {
  if (c_ops == nullptr) return;
  const auto i = static_cast<size_t>(op);
  c_ops->infer[i] = reinterpret_cast<edgerun_op_fn>(infer);
  c_ops->run[i] = reinterpret_cast<edgerun_op_fn>(run);
  c_ops->prepare[i] = reinterpret_cast<edgerun_op_fn>(prepare);
}
}  // namespace

OpResolver to_op_resolver(const edgerun_op_resolver& c_ops) {
  OpResolver ops;
  for (size_t i = 0; i < static_cast<size_t>(OpType::kCount); ++i) {
    if (c_ops.run[i] == nullptr) continue;
    ops.add(static_cast<OpType>(i), reinterpret_cast<InferFn>(c_ops.infer[i]), reinterpret_cast<RunFn>(c_ops.run[i]),
            reinterpret_cast<PrepareFn>(c_ops.prepare[i]));
  }
  return ops;
}

}  // namespace edgerun

extern "C" {

#define EDGERUN_OP(Name)                                                                                         \
  void edgerun_op_resolver_add_##Name(edgerun_op_resolver* resolver) {                                          \
    edgerun::store_op(resolver, edgerun::OpType::k##Name, &edgerun::ops::infer_##Name, &edgerun::ops::run_##Name, \
                      edgerun::kPrepareFunction<edgerun::OpType::k##Name>);                                     \
  }
#include "graph/ops/op_list.inc"
#undef EDGERUN_OP

void edgerun_op_resolver_add_all(edgerun_op_resolver* resolver) {
#define EDGERUN_OP(Name) edgerun_op_resolver_add_##Name(resolver);
#include "graph/ops/op_list.inc"
#undef EDGERUN_OP
}

}  // extern "C"
