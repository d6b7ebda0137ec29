// OpResolver: the ops a plan may use, each registered as TFLite Micro registers its ops: the shape
// inference that validates it, the run function, and the compile-time preparation that picks and
// packs a family kernel (null for ops without one). The full engine uses builtin_op_resolver(),
// which registers every op; a firmware image registers only its model's ops (the C API's
// edgerun_op_resolver_add_<Op>), so the linker drops every other op's inference and kernels.
#pragma once

#include <array>

#include "engine/ops/op_kernels.h"
#include "engine/ops/prepared_op.h"
#include "graph/ops/op_schema.h"

namespace edgerun {

using PrepareFn = Result<PreparedStep> (*)(const PrepareContext& pc);

class OpResolver {
 public:
  void add(OpType op, InferFn infer, RunFn run, PrepareFn prepare) {
    const auto i = static_cast<size_t>(op);
    if (i >= run_.size()) return;
    infer_[i] = infer;
    run_[i] = run;
    prepare_[i] = prepare;
  }
  // Null when the op is not registered (or, for prepare, has no family kernel).
  RunFn run_function(OpType op) const { return at(run_, op); }
  PrepareFn prepare_function(OpType op) const { return at(prepare_, op); }
  // Indexed by OpType, as infer_shapes_with takes them.
  const InferFn* infer_functions() const { return infer_.data(); }
  InferFn infer_function(OpType op) const { return at(infer_, op); }

 private:
  static constexpr size_t kOps = static_cast<size_t>(OpType::kCount);
  template <typename Fn>
  static Fn at(const std::array<Fn, kOps>& fns, OpType op) {
    const auto i = static_cast<size_t>(op);
    return i < kOps ? fns[i] : nullptr;
  }
  std::array<InferFn, kOps> infer_{};
  std::array<RunFn, kOps> run_{};
  std::array<PrepareFn, kOps> prepare_{};
};

// Each op's compile-time preparation (a family kernel), null for ops that have none: a variable
// template, so a registration names only its own op's preparation.
template <OpType op>
inline constexpr PrepareFn kPrepareFunction = nullptr;
template <> inline constexpr PrepareFn kPrepareFunction<OpType::kConv> = &ops::prepare_conv;
template <> inline constexpr PrepareFn kPrepareFunction<OpType::kGemm> = &ops::prepare_dense;
template <> inline constexpr PrepareFn kPrepareFunction<OpType::kMatMul> = &ops::prepare_matmul;
template <> inline constexpr PrepareFn kPrepareFunction<OpType::kQConv> = &ops::prepare_qconv;
template <> inline constexpr PrepareFn kPrepareFunction<OpType::kQMatMul> = &ops::prepare_qmatmul;
template <> inline constexpr PrepareFn kPrepareFunction<OpType::kMaxPool> = &ops::prepare_pool;
template <> inline constexpr PrepareFn kPrepareFunction<OpType::kAveragePool> = &ops::prepare_pool;
template <> inline constexpr PrepareFn kPrepareFunction<OpType::kGlobalAveragePool> = &ops::prepare_pool;
template <> inline constexpr PrepareFn kPrepareFunction<OpType::kGlobalMaxPool> = &ops::prepare_pool;
template <> inline constexpr PrepareFn kPrepareFunction<OpType::kTranspose> = &ops::prepare_transpose;
template <> inline constexpr PrepareFn kPrepareFunction<OpType::kGather> = &ops::prepare_gather;

// Every op of op_list.inc.
const OpResolver& builtin_op_resolver();

}  // namespace edgerun
