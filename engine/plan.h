// Plan: a graph compiled for concrete input shapes. Compilation infers every shape, folds constants,
// runs the graph passes, picks each node's run function and places every activation in one arena
// (liveness-based memory plan). Running binds the inputs and executes the steps in order.
//
// Early exit (graph/ops/early_exit.h): after an EarlyExit step whose every sample has taken an exit,
// the run stops; the steps after it are not executed and that step's outputs stand in for the graph
// outputs its chain ends in. A batch stops only when all its samples are confident; each sample's
// output is still its own first confident exit (a sample that exits early keeps that exit's row while
// the others go deeper), so a batch gives every sample what a batch of one would. There is no
// compaction: the latency of a batch is that of its deepest sample.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "engine/ops/kernel_context.h"
#include "engine/ops/op_kernels.h"
#include "engine/ops/prepared_op.h"
#include "engine/op_resolver.h"
#include "engine/session.h"
#include "kernels/ref/activation.h"

namespace edgerun {

struct CompileOptions {
  bool optimize = true;  // constant folding, BatchNorm folding, activation fusion, dead-node elimination
  // With optimize: fold residual and bias Adds into the Conv / Gemm / MatMul before them. Off only
  // where the graph must keep the exported op structure (the zoo's layer signatures).
  bool fuse_epilogue_adds = true;
  kernels::Backend backend = kernels::Backend::kNative;  // who provides conv / dense kernels
  // Native backend: when pruned layers run on the sparse kernels (kernels/sparse/sparse_policy.h).
  kernels::SparseKernels sparse = kernels::SparseKernels::kMeasure;
  // Run QDQ (QuantizeLinear / DequantizeLinear around float ops) on INT8 kernels (graph/passes/lower_qdq.h);
  // off: as fake-quant float, the ONNX reference semantics.
  bool lower_qdq = true;
  // Activations and kernel scratch live in an arena the caller passes to run_in_arena (the firmware
  // C API); the plan allocates none of its own, and run() is not available.
  bool external_arena = false;
  // Caps shape inference enforces (graph/limits.h).
  ModelLimits limits;
};

struct CompileStats {
  int folded_batch_norms = 0;
  int fused_activations = 0;
  int fused_adds = 0;
  int removed_nodes = 0;
  int lowered_int8_nodes = 0;  // QConv, QMatMul, QLinearAdd, pools on uint8
};

class Plan {
 public:
  static Result<std::unique_ptr<Plan>> compile(const Graph& graph, const std::map<std::string, Shape>& input_shapes,
                                               const CompileOptions& options);
  // Compiles a graph some compile() already optimized (a .edgr model): shapes are inferred again,
  // which validates an untrusted file, but no pass runs and nothing is folded. Inference, run
  // functions and kernel preparation come from `ops` (an op it lacks is an error naming the node), so
  // only the registered ops' code is referenced, which keeps a firmware image small.
  static Result<std::unique_ptr<Plan>> compile_optimized(const Graph& graph,
                                                         const std::map<std::string, Shape>& input_shapes,
                                                         const OpResolver& ops, const CompileOptions& options);

  // Inputs must match the compiled shapes; outputs are owned copies in graph output order.
  Status run(const std::vector<NamedTensor>& inputs, std::vector<NamedTensor>* outputs);

  // Partial runs: one side of a partition (operators/partition) runs a contiguous range of steps.
  // The values crossing a cut before step `cut` (0..num_steps()): non-constant values that are graph
  // inputs or produced by a step < cut, and are read by a step >= cut or are graph outputs. Cut
  // num_steps() gives the graph outputs and cut 0 (of a plan with steps) the graph inputs, in graph
  // order; in between, graph inputs come first, then values in the order their steps produce them.
  std::vector<ValueId> crossing_values(size_t cut) const;
  // Runs steps [first, last): `inputs` name exactly crossing_values(first), the graph inputs when
  // first is 0 (types and shapes as compiled); `outputs` gets crossing_values(last) as owned copies.
  // step_ms, if not null, gets each step's wall time in milliseconds (last - first entries).
  Status run_steps(size_t first, size_t last, const std::vector<NamedTensor>& inputs,
                   std::vector<NamedTensor>* outputs, std::vector<double>* step_ms = nullptr);
  // A run_steps that stops at an exit before `last` returns the graph outputs instead of
  // crossing_values(last): last_run().stopped_at_exit says so.
  void set_exit_policy(const ExitPolicy& policy) { exit_policy_ = policy; }
  // A run that allocates nothing (compiled with external_arena): activations and scratch in `arena`
  // (64-byte aligned, at least external_arena_bytes()); inputs[i] points at graph input i's data, read
  // in place; graph output i is copied to outputs[i] (its byte size as compiled). Early exits apply.
  Status run_in_arena(void* arena, size_t arena_size, const void* const* inputs, void* const* outputs);
  // The arena run_in_arena needs: activations, SIMD over-read padding and kernel scratch.
  size_t external_arena_bytes() const;
  const RunReport& last_run() const { return last_run_; }
  const Node& step_node(size_t step) const { return graph_.nodes[steps_.at(step).node]; }

  const Graph& graph() const { return graph_; }
  size_t arena_bytes() const { return arena_bytes_; }
  // What the busiest step keeps alive at once: no arena can be smaller.
  size_t arena_lower_bound_bytes() const { return arena_lower_bound_bytes_; }
  size_t num_steps() const { return steps_.size(); }
  const CompileStats& stats() const { return stats_; }
  // The kernel each step runs: a family kernel's name (f32_conv2d_...__avx512, onednn_conv2d, ...) or
  // "run-function" for nodes on their op's run function, which may itself dispatch per call
  // (element-wise, Softmax, LayerNorm, pooling) or run the reference.
  std::string step_kernel(size_t step) const;
  // The op type of a step's node, as the model writes it.
  const std::string& step_op(size_t step) const { return graph_.nodes[steps_.at(step).node].op_type; }
  // Scratch bytes the prepared kernels share (one step runs at a time).
  size_t scratch_bytes() const { return scratch_bytes_; }

 private:
  struct Step {
    size_t node = 0;  // index into graph_.nodes
    RunFn run = nullptr;
    bool dynamic = false;  // output shapes known only at run time
    ref::ActivationParams activation;
    std::unique_ptr<KernelContext> context;  // prebuilt for static steps
    PreparedStep prepared;                   // a family kernel chosen at compile time, if any
    bool early_exit = false;                 // an EarlyExit step: may end the run
  };

  Plan() = default;
  // The common tail of both compiles: steps, memory plan, kernel preparation.
  static Result<std::unique_ptr<Plan>> finish(std::unique_ptr<Plan> plan, const OpResolver& ops,
                                              const CompileOptions& options);
  Status build_steps();
  Status plan_memory_and_bind();
  Status prepare_kernels(kernels::Backend backend, kernels::SparseKernels sparse);
  // Points every activation at its slice of `arena`.
  void bind_arena(void* arena);
  // Activations plus over-read padding, rounded to 64 bytes: where the scratch starts in an arena.
  size_t activation_region_bytes() const;
  // Runs steps [first, last) and returns the one whose early exit ended the run, or `last`.
  Result<size_t> execute(size_t first, size_t last, std::vector<double>* step_ms);
  // Graph output i after a run that stopped at step `stop` (num_steps() or more: no exit fired).
  Result<const Tensor*> output_after(size_t stop, size_t i) const;
  Status run_dynamic_step(Step& step);
  Status run_step(Step& step);
  Status bind_crossing_inputs(size_t cut, const std::vector<NamedTensor>& inputs);

  Graph graph_;
  OpResolver ops_;  // the ops the steps may use: builtin_op_resolver(), or a firmware image's
  CompileStats stats_;
  std::vector<Step> steps_;
  std::vector<Tensor> tensors_;   // one per value id: constants, arena slices, bound inputs, run-time results
  std::vector<bool> is_dynamic_;  // per value: shape known only at run time
  bool external_arena_ = false;
  std::shared_ptr<void> arena_;  // own arena; null with external_arena
  size_t arena_bytes_ = 0;
  // Where each activation lives in the arena, so run_in_arena can rebind them to a caller's arena.
  struct ArenaSlice {
    size_t value;
    size_t offset;
  };
  std::vector<ArenaSlice> arena_slices_;
  void* bound_arena_ = nullptr;  // the arena the slices point into now
  size_t arena_lower_bound_bytes_ = 0;
  std::shared_ptr<void> scratch_;  // own scratch; null with external_arena
  void* scratch_ptr_ = nullptr;     // the scratch kernels get: own, or in the caller's arena
  size_t scratch_bytes_ = 0;
  // Per graph output: the EarlyExit output slot (0 merged, 1 taken) it is, or -1.
  std::vector<int> exit_output_slot_;
  ExitPolicy exit_policy_;
  RunReport last_run_;
};

}  // namespace edgerun
