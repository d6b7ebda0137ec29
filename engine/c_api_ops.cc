// The C API's op resolver: one registration function per op, each referencing only its own run
// function, so a firmware image that registers a model's ops links only their kernels.
#include "engine/edgerun.h"
#include "engine/ops/op_kernels.h"

namespace {

void add_op(edgerun_op_resolver* resolver, edgerun::OpType op, edgerun::RunFn fn) {
  if (resolver != nullptr) resolver->ops[static_cast<int>(op)] = reinterpret_cast<edgerun_op_fn>(fn);
}

}  // namespace

extern "C" {

#define EDGERUN_OP(Name)                                                     \
  void edgerun_op_resolver_add_##Name(edgerun_op_resolver* resolver) {       \
    add_op(resolver, edgerun::OpType::k##Name, &edgerun::ops::run_##Name);   \
  }
#include "graph/ops/op_list.inc"
#undef EDGERUN_OP

void edgerun_op_resolver_add_all(edgerun_op_resolver* resolver) {
#define EDGERUN_OP(Name) edgerun_op_resolver_add_##Name(resolver);
#include "graph/ops/op_list.inc"
#undef EDGERUN_OP
}

}  // extern "C"
