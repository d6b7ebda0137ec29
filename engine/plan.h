// Plan: a graph compiled for concrete input shapes. Compilation infers every shape, folds constants,
// runs the graph passes, picks each node's run function and places every activation in one arena
// (liveness-based memory plan). Running binds the inputs and executes the steps in order.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "engine/ops/kernel_context.h"
#include "engine/ops/op_kernels.h"
#include "engine/session.h"
#include "kernels/ref/activation.h"

namespace edgerun {

struct CompileOptions {
  bool optimize = true;  // constant folding, BatchNorm folding, activation fusion, dead-node elimination
};

struct CompileStats {
  int folded_batch_norms = 0;
  int fused_activations = 0;
  int removed_nodes = 0;
};

class Plan {
 public:
  static Result<std::unique_ptr<Plan>> compile(const Graph& graph, const std::map<std::string, Shape>& input_shapes,
                                               const CompileOptions& options);

  // Inputs must match the compiled shapes; outputs are owned copies in graph output order.
  Status run(const std::vector<NamedTensor>& inputs, std::vector<NamedTensor>* outputs);

  const Graph& graph() const { return graph_; }
  size_t arena_bytes() const { return arena_bytes_; }
  size_t num_steps() const { return steps_.size(); }
  const CompileStats& stats() const { return stats_; }

 private:
  struct Step {
    size_t node = 0;  // index into graph_.nodes
    RunFn run = nullptr;
    bool dynamic = false;  // output shapes known only at run time
    ref::ActivationParams activation;
    std::unique_ptr<KernelContext> context;  // prebuilt for static steps
  };

  Plan() = default;
  Status build_steps();
  Status plan_memory_and_bind();
  Status run_dynamic_step(Step& step);

  Graph graph_;
  CompileStats stats_;
  std::vector<Step> steps_;
  std::vector<Tensor> tensors_;  // one per value id: constants, arena slices, bound inputs, run-time results
  std::vector<bool> is_dynamic_;  // per value: shape known only at run time
  std::shared_ptr<void> arena_;
  size_t arena_bytes_ = 0;
};

}  // namespace edgerun
