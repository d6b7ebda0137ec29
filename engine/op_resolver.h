// OpResolver: the ops a plan may run, each with its run function (TFLite Micro's op resolver). The
// full engine uses builtin_op_resolver(), which registers every op; a firmware image registers only
// its model's ops (the C API's edgerun_op_resolver_add_<Op>), so the linker drops the other kernels.
#pragma once

#include <array>

#include "engine/ops/op_kernels.h"

namespace edgerun {

class OpResolver {
 public:
  void add(OpType op, RunFn fn) {
    if (static_cast<size_t>(op) < fns_.size()) fns_[static_cast<size_t>(op)] = fn;
  }
  // Null when the op is not registered.
  RunFn find(OpType op) const {
    const size_t i = static_cast<size_t>(op);
    return i < fns_.size() ? fns_[i] : nullptr;
  }

 private:
  std::array<RunFn, static_cast<size_t>(OpType::kCount)> fns_{};
};

// Every op of op_list.inc.
const OpResolver& builtin_op_resolver();

}  // namespace edgerun
