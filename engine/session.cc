#include "engine/session.h"

#include "engine/plan.h"
#include "graph/passes/infer_shapes.h"

#ifdef EDGERUN_HAVE_OPENMP
#include <omp.h>
#endif

namespace edgerun {

Session::Session(Graph graph, SessionOptions options) : graph_(std::move(graph)), options_(std::move(options)) {}
Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::from_graph(Graph graph, const SessionOptions& options) {
  if (options.threads < 1) return invalid_argument("threads must be at least 1, got " + std::to_string(options.threads));
  RETURN_IF_ERROR(check_node_count(graph, options.limits));
  RETURN_IF_ERROR(graph.topological_sort());
  return std::unique_ptr<Session>(new Session(std::move(graph), options));
}

Status Session::prepare(const std::map<std::string, Shape>& input_shapes) {
  if (plan_ && input_shapes == plan_shapes_) return Status::Ok();  // compiled for these shapes already
  // Kernels size their per-thread scratch at compile time for the session's thread count.
#ifdef EDGERUN_HAVE_OPENMP
  omp_set_num_threads(options_.threads);
#endif
  CompileOptions compile_options;
  // A .edgr graph was compiled before it was written: its passes have run.
  compile_options.optimize = options_.fold_constants && !model_bytes_;
  compile_options.backend = options_.backend;
  compile_options.sparse = options_.sparse;
  compile_options.lower_qdq = options_.lower_qdq;
  compile_options.limits = options_.limits;
  ASSIGN_OR_RETURN(plan_, Plan::compile(graph_, input_shapes, compile_options));
  plan_->set_exit_policy(exit_policy_);
  plan_shapes_ = input_shapes;
  return Status::Ok();
}

bool Session::is_graph_input(const std::string& name) const {
  for (ValueId id : graph_.inputs) {
    if (graph_.value(id).name == name) return true;
  }
  return false;
}

Status Session::run(const std::vector<NamedTensor>& inputs, std::vector<NamedTensor>* outputs) {
  std::map<std::string, Shape> shapes;
  for (const NamedTensor& in : inputs) {
    if (!is_graph_input(in.name)) {
      return invalid_argument("the model has no input named '" + in.name + "'");
    }
    if (!shapes.emplace(in.name, in.tensor.shape()).second) {
      return invalid_argument("input '" + in.name + "' is given twice");
    }
  }
  for (ValueId id : graph_.inputs) {
    if (!shapes.count(graph_.value(id).name)) return invalid_argument("missing input '" + graph_.value(id).name + "'");
  }
  RETURN_IF_ERROR(prepare(shapes));
#ifdef EDGERUN_HAVE_OPENMP
  omp_set_num_threads(options_.threads);
#endif
  return plan_->run(inputs, outputs);
}

Status Session::run_steps(size_t first, size_t last, const std::vector<NamedTensor>& inputs,
                          std::vector<NamedTensor>* outputs, std::vector<double>* step_ms) {
  if (!plan_) {
    ASSIGN_OR_RETURN(auto shapes, default_input_shapes());
    RETURN_IF_ERROR(prepare(shapes));
  }
#ifdef EDGERUN_HAVE_OPENMP
  omp_set_num_threads(options_.threads);
#endif
  return plan_->run_steps(first, last, inputs, outputs, step_ms);
}

Result<std::map<std::string, Shape>> Session::default_input_shapes() const {
  std::map<std::string, Shape> shapes;
  for (ValueId id : graph_.inputs) {
    const Value& v = graph_.value(id);
    if (!v.has_shape) return invalid_argument("input '" + v.name + "' has no declared shape; give one");
    Shape s;
    for (const SymDim& d : v.shape) {
      if (d.known()) {
        s.push_back(d.size);
        continue;
      }
      auto it = options_.dim_bindings.find(d.symbol);
      s.push_back(it != options_.dim_bindings.end() ? it->second : 1);
    }
    shapes[v.name] = s;
  }
  return shapes;
}

void Session::set_exit_policy(const ExitPolicy& policy) {
  exit_policy_ = policy;
  if (plan_) plan_->set_exit_policy(policy);
}

RunReport Session::last_run() const { return plan_ ? plan_->last_run() : RunReport{}; }

size_t Session::arena_bytes() const { return plan_ ? plan_->arena_bytes() : 0; }
size_t Session::planned_nodes() const { return plan_ ? plan_->num_steps() : 0; }

}  // namespace edgerun
