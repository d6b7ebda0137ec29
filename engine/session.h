// Session: the C++ entry point. Load a model (ONNX file or bytes), then run named inputs to outputs.
// The graph is compiled into a Plan for the concrete input shapes of the first run (or those given in
// SessionOptions) and recompiled when later inputs have other shapes.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/limits.h"
#include "kernels/backend.h"
#include "kernels/sparse/sparse_policy.h"

namespace edgerun {

struct SessionOptions {
  int threads = 1;
  // Who provides the conv and dense kernels; ops a backend lacks run on native kernels.
  kernels::Backend backend = kernels::Backend::kNative;
  // Native backend: when pruned layers run on the sparse kernels (measure, off, always).
  kernels::SparseKernels sparse = kernels::SparseKernels::kMeasure;
  bool fold_constants = true;  // constant folding, BN folding, fusion, dead-node elimination
  // With fold_constants: run QDQ models on INT8 kernels; off, as fake-quant float (ONNX's reference).
  bool lower_qdq = true;
  // Sizes for symbolic input dims by symbol name ("batch": 1); unnamed unknown dims default to 1.
  std::map<std::string, int64_t> dim_bindings;
  // Caps on the model's bytes, nodes and tensors (graph/limits.h): loading and compiling check them.
  ModelLimits limits;
};

// Which exits of an early-exit model (operators/early_exit, graph/ops/early_exit.h) may stop a run.
//   kThresholds  each exit's calibrated confidence threshold decides per sample (the default);
//   kNever       no exit fires: every sample takes the final output (the model's full depth);
//   kForce       every sample takes exit `exit` (an index past the last exit is the final output):
//                the latency of one exit path, whatever the input (tier measurements replay a
//                trained surrogate's exit mix on the full-size model this way).
struct ExitPolicy {
  enum class Kind { kThresholds, kNever, kForce };
  Kind kind = Kind::kThresholds;
  int exit = -1;
};

// What the last run did: how many steps ran and whether an early exit ended it.
struct RunReport {
  size_t steps_run = 0;
  // The exit that ended the run before its last step (its outputs stand in for the graph outputs);
  // -1 when the run went to its last step.
  int stopped_at_exit = -1;
};

struct NamedTensor {
  std::string name;
  Tensor tensor;
};

class Plan;

class Session {
 public:
  // An ONNX model, or a native .edgr one (graph/format/edgr_format.h) when the bytes start with its
  // magic. A .edgr graph is already compiled: its constants point into the bytes the session keeps
  // (load_file maps the file read-only, so no weight is copied; load_bytes keeps a 64-byte aligned
  // copy), and it is compiled at load, for its stored input shapes, with the graph passes off.
  static Result<std::unique_ptr<Session>> load_file(const std::string& path, const SessionOptions& options = {});
  static Result<std::unique_ptr<Session>> load_bytes(const uint8_t* data, size_t size,
                                                     const SessionOptions& options = {});
  static Result<std::unique_ptr<Session>> from_graph(Graph graph, const SessionOptions& options = {});
  ~Session();

  // Runs the graph. `inputs` must name every graph input; outputs come back in graph output order.
  Status run(const std::vector<NamedTensor>& inputs, std::vector<NamedTensor>* outputs);

  // One side of a partition: Plan::run_steps on the plan compiled for the default input shapes
  // (compiled now if the session has no plan yet).
  Status run_steps(size_t first, size_t last, const std::vector<NamedTensor>& inputs,
                   std::vector<NamedTensor>* outputs, std::vector<double>* step_ms = nullptr);

  // Early-exit models: the policy of later runs (kept across recompiles) and the last run's report.
  void set_exit_policy(const ExitPolicy& policy);
  RunReport last_run() const;

  const Graph& graph() const { return graph_; }
  // True for a .edgr model: its graph is already compiled (passes and operators applied).
  bool is_compiled_model() const { return model_bytes_ != nullptr; }
  // Compiles for the given input shapes now, unless the current plan is for them (run() does it on
  // demand; a tool that runs a model once and then hands it on does not compile it twice).
  Status prepare(const std::map<std::string, Shape>& input_shapes);
  // Input shapes from the model's declarations, symbolic dims bound by options.dim_bindings (else 1).
  Result<std::map<std::string, Shape>> default_input_shapes() const;
  // Planned activation arena bytes of the current plan (0 before the first compile).
  size_t arena_bytes() const;
  // Nodes in the current plan after passes.
  size_t planned_nodes() const;
  // The current plan (null before the first compile): its steps, kernels and arena.
  const Plan* plan() const { return plan_.get(); }

 private:
  Session(Graph graph, SessionOptions options);
  // .edgr loading (session_edgr.cc): a 64-byte aligned buffer of `size` bytes (null if out of memory),
  // and a session on the model's bytes (such a buffer, or a file mapping), which it keeps.
  static std::shared_ptr<uint8_t> allocate_model_bytes(size_t size);
  static Result<std::unique_ptr<Session>> from_edgr(std::shared_ptr<uint8_t> bytes, size_t size,
                                                    const SessionOptions& options);
  bool is_graph_input(const std::string& name) const;
  // A .edgr model's bytes, which graph_'s constants point into (null for other models): declared
  // before graph_ and plan_ so it outlives them.
  std::shared_ptr<uint8_t> model_bytes_;
  Graph graph_;
  SessionOptions options_;
  std::map<std::string, Shape> plan_shapes_;
  std::unique_ptr<Plan> plan_;
  ExitPolicy exit_policy_;
};

}  // namespace edgerun
