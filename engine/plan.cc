#include "engine/plan.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "engine/memory_planner.h"
#include "engine/ops/early_exit.h"
#include "graph/ops/early_exit.h"
#include "graph/ops/op_schema.h"
#include "graph/passes/eliminate_dead_nodes.h"
#include "graph/passes/fold_batch_norm.h"
#include "graph/passes/fuse_activations.h"
#include "graph/passes/fuse_epilogue_adds.h"
#include "graph/passes/fuse_gelu.h"
#include "graph/passes/infer_shapes.h"
#include "graph/passes/lower_qdq.h"

namespace edgerun {

namespace {
// Only graphs with DequantizeLinear nodes have QDQ patterns: the others skip the lowering's extra
// shape inference.
bool has_dequantize(const Graph& g) {
  return std::any_of(g.nodes.begin(), g.nodes.end(), [](const Node& n) { return n.op == OpType::kDequantizeLinear; });
}

// Tail padding after the last activation so SIMD kernels may over-read it.
constexpr size_t kOverReadBytes = 64;

constexpr size_t round_up_64(size_t bytes) { return (bytes + 63) / 64 * 64; }
}  // namespace

Result<std::unique_ptr<Plan>> Plan::compile(const Graph& graph, const std::map<std::string, Shape>& input_shapes,
                                            const CompileOptions& options) {
  std::unique_ptr<Plan> plan(new Plan());
  plan->graph_ = graph;
  Graph& g = plan->graph_;
  const NodeEvaluator evaluator = evaluate_node;
  ShapeInferenceOptions infer_options;
  infer_options.limits = options.limits;
  if (options.optimize) infer_options.fold = &evaluator;
  if (options.optimize && options.lower_qdq && has_dequantize(g)) {
    ShapeInferenceOptions keep_weights = infer_options;
    keep_weights.keep_unfolded = is_weight_dequantize;
    RETURN_IF_ERROR(infer_shapes(g, input_shapes, keep_weights));
    plan->stats_.lowered_int8_nodes = lower_qdq(g).total();
  }
  RETURN_IF_ERROR(infer_shapes(g, input_shapes, infer_options));
  if (options.optimize) {
    ASSIGN_OR_RETURN(plan->stats_.folded_batch_norms, fold_batch_norm(g));
    if (options.fuse_epilogue_adds) plan->stats_.fused_adds = fuse_epilogue_adds(g);
    plan->stats_.fused_activations = fuse_activations(g);
    fuse_gelu(g);
    plan->stats_.removed_nodes = eliminate_dead_nodes(g);
  }
  return finish(std::move(plan), builtin_op_resolver(), options);
}

Result<std::unique_ptr<Plan>> Plan::compile_optimized(const Graph& graph,
                                                      const std::map<std::string, Shape>& input_shapes,
                                                      const OpResolver& ops, const CompileOptions& options) {
  std::unique_ptr<Plan> plan(new Plan());
  plan->graph_ = graph;
  ShapeInferenceOptions infer_options;
  infer_options.limits = options.limits;
  RETURN_IF_ERROR(infer_shapes_with(plan->graph_, input_shapes, infer_options, ops.infer_functions()));
  return finish(std::move(plan), ops, options);
}

Result<std::unique_ptr<Plan>> Plan::finish(std::unique_ptr<Plan> plan, const OpResolver& ops,
                                           const CompileOptions& options) {
  plan->ops_ = ops;
  RETURN_IF_ERROR(plan->build_steps());
  if (options.external_arena) {
    for (const Step& step : plan->steps_) {
      if (step.dynamic) {
        return unsupported(plan->graph_.nodes[step.node].describe() +
                           ": its output shape is known only at run time, which a run in a caller's arena cannot "
                           "allocate");
      }
    }
  }
  plan->external_arena_ = options.external_arena;
  RETURN_IF_ERROR(plan->plan_memory_and_bind());
  RETURN_IF_ERROR(plan->prepare_kernels(options.backend, options.sparse));
  return plan;
}

Status Plan::build_steps() {
  is_dynamic_.assign(graph_.values.size(), false);
  for (size_t i = 0; i < graph_.values.size(); ++i) {
    const Value& v = graph_.values[i];
    is_dynamic_[i] = !v.constant && !v.has_shape;
  }
  steps_.clear();
  for (size_t n = 0; n < graph_.nodes.size(); ++n) {
    const Node& node = graph_.nodes[n];
    Step step;
    step.node = n;
    step.run = ops_.run_function(node.op);
    if (step.run == nullptr) return unsupported(node.describe() + ": not registered in the op resolver");
    for (ValueId o : node.outputs) {
      if (o != kNoValue && is_dynamic_[static_cast<size_t>(o)]) step.dynamic = true;
    }
    step.activation = ops::fused_activation(node);
    step.early_exit = node.op == OpType::kEarlyExit;
    if (step.early_exit && step.dynamic) return unsupported(node.describe() + ": an early exit needs static shapes");
    steps_.push_back(std::move(step));
  }
  const std::vector<int> producer = graph_.producers();
  exit_output_slot_.clear();
  for (ValueId o : graph_.outputs) {
    const int p = producer[static_cast<size_t>(o)];
    int slot = -1;
    if (p >= 0 && graph_.nodes[static_cast<size_t>(p)].op == OpType::kEarlyExit) {
      const auto& outs = graph_.nodes[static_cast<size_t>(p)].outputs;
      slot = static_cast<int>(std::find(outs.begin(), outs.end(), o) - outs.begin());
    }
    exit_output_slot_.push_back(slot);
  }
  return Status::Ok();
}

Status Plan::plan_memory_and_bind() {
  const size_t num_values = graph_.values.size();
  tensors_.assign(num_values, Tensor());
  // Lifetimes of arena values: from the producing step to the last reading step (graph outputs live
  // to the end so they can be copied out).
  std::vector<int> first(num_values, -1), last(num_values, -1);
  for (size_t s = 0; s < steps_.size(); ++s) {
    const Node& node = graph_.nodes[steps_[s].node];
    for (ValueId o : node.outputs) {
      if (o != kNoValue) first[static_cast<size_t>(o)] = static_cast<int>(s);
    }
    for (ValueId in : node.inputs) {
      if (in != kNoValue) last[static_cast<size_t>(in)] = static_cast<int>(s);
    }
  }
  for (ValueId o : graph_.outputs) last[static_cast<size_t>(o)] = static_cast<int>(steps_.size());

  std::vector<BufferUsage> usages;
  std::vector<size_t> usage_value;
  for (size_t v = 0; v < num_values; ++v) {
    const Value& value = graph_.values[v];
    if (value.constant) {
      tensors_[v] = *value.constant;
      continue;
    }
    if (first[v] < 0 || is_dynamic_[v]) continue;  // inputs are bound per run; dynamic values allocated then
    const size_t bytes = static_cast<size_t>(num_elements(concrete_shape(value))) * dtype_size(value.dtype);
    usages.push_back({bytes, first[v], std::max(last[v], first[v])});
    usage_value.push_back(v);
  }
  // Graph inputs are bound per run; until then a placeholder with their type and shape (no data)
  // lets compile-time preparation see what the kernels will get.
  for (ValueId id : graph_.inputs) {
    const Value& v = graph_.value(id);
    if (!is_dynamic_[static_cast<size_t>(id)])
      tensors_[static_cast<size_t>(id)] = Tensor::borrow(v.dtype, concrete_shape(v), nullptr);
  }
  const MemoryPlan mem = plan_memory(usages);
  arena_bytes_ = mem.arena_bytes;
  arena_lower_bound_bytes_ = peak_live_bytes(usages);
  arena_slices_.clear();
  for (size_t u = 0; u < usages.size(); ++u) {
    const Value& value = graph_.values[usage_value[u]];
    tensors_[usage_value[u]] = Tensor::borrow(value.dtype, concrete_shape(value), nullptr);
    arena_slices_.push_back({usage_value[u], mem.offsets[u]});
  }
  if (!external_arena_) {
    void* arena = std::aligned_alloc(64, activation_region_bytes());
    if (arena == nullptr) return out_of_range("cannot allocate an arena of " + std::to_string(arena_bytes_) + " bytes");
    arena_ = std::shared_ptr<void>(arena, [](void* p) { std::free(p); });
    bind_arena(arena);
  }
  // Static steps get their kernel context once; it points at tensors_ slots, which never move.
  for (Step& step : steps_) {
    if (step.dynamic) continue;
    const Node& node = graph_.nodes[step.node];
    std::vector<const Tensor*> ins;
    std::vector<Tensor*> outs;
    for (ValueId in : node.inputs) ins.push_back(in == kNoValue ? nullptr : &tensors_[static_cast<size_t>(in)]);
    for (ValueId o : node.outputs) outs.push_back(o == kNoValue ? nullptr : &tensors_[static_cast<size_t>(o)]);
    step.context = std::make_unique<KernelContext>(node, std::move(ins), std::move(outs));
  }
  return Status::Ok();
}

Status Plan::prepare_kernels(kernels::Backend backend, kernels::SparseKernels sparse) {
  scratch_bytes_ = 0;
  for (Step& step : steps_) {
    if (step.dynamic) continue;
    const Node& node = graph_.nodes[step.node];
    const PrepareFn prepare = ops_.prepare_function(node.op);
    if (prepare == nullptr) continue;
    PrepareContext pc{*step.context, {}, step.activation, backend, sparse};
    for (ValueId in : node.inputs)
      pc.constant_inputs.push_back(in != kNoValue && graph_.value(in).constant.has_value());
    Result<PreparedStep> prepared = prepare(pc);
    if (!prepared.ok()) return prepared.status();
    step.prepared = std::move(*prepared);
    if (step.prepared.op) scratch_bytes_ = std::max(scratch_bytes_, step.prepared.op->scratch_bytes());
  }
  if (scratch_bytes_ == 0 || external_arena_) return Status::Ok();
  void* scratch = std::aligned_alloc(64, round_up_64(scratch_bytes_));
  if (scratch == nullptr)
    return out_of_range("cannot allocate " + std::to_string(scratch_bytes_) + " bytes of kernel scratch");
  scratch_ = std::shared_ptr<void>(scratch, [](void* p) { std::free(p); });
  scratch_ptr_ = scratch;
  return Status::Ok();
}

size_t Plan::activation_region_bytes() const {
  return round_up_64(arena_bytes_ + kOverReadBytes);
}

size_t Plan::external_arena_bytes() const {
  return activation_region_bytes() + round_up_64(scratch_bytes_);
}

void Plan::bind_arena(void* arena) {
  for (const ArenaSlice& slice : arena_slices_) tensors_[slice.value].rebind(static_cast<uint8_t*>(arena) + slice.offset);
  bound_arena_ = arena;
}

std::string Plan::step_kernel(size_t step) const {
  const Step& s = steps_.at(step);
  return s.prepared.op ? s.prepared.op->kernel_name() : "run-function";
}

Status Plan::run_dynamic_step(Step& step) {
  const Node& node = graph_.nodes[step.node];
  std::vector<DType> types;
  std::vector<Shape> shapes;
  std::vector<const Tensor*> ins;
  for (ValueId in : node.inputs) {
    if (in == kNoValue) {
      types.push_back(DType::kUndefined);
      shapes.emplace_back();
      ins.push_back(nullptr);
      continue;
    }
    const Tensor& t = tensors_[static_cast<size_t>(in)];
    types.push_back(t.dtype());
    shapes.push_back(t.shape());
    ins.push_back(&t);
  }
  InferContext infer(node, types, shapes, ins);
  RETURN_IF_ERROR(infer_node_with(infer, ops_.infer_function(node.op)));
  std::vector<Tensor*> outs;
  for (size_t o = 0; o < node.outputs.size(); ++o) {
    const ValueId id = node.outputs[o];
    if (id == kNoValue) {
      outs.push_back(nullptr);
      continue;
    }
    ASSIGN_OR_RETURN(tensors_[static_cast<size_t>(id)], Tensor::allocate(infer.output_type(o), infer.output_shape(o)));
    outs.push_back(&tensors_[static_cast<size_t>(id)]);
  }
  KernelContext ctx(node, std::move(ins), std::move(outs));
  return step.run(ctx);
}

std::vector<ValueId> Plan::crossing_values(size_t cut) const {
  if (cut >= steps_.size()) return graph_.outputs;  // also for a plan of no steps (all folded)
  if (cut == 0) return graph_.inputs;
  std::vector<bool> read_after(graph_.values.size(), false);
  for (size_t s = cut; s < steps_.size(); ++s) {
    for (ValueId in : graph_.nodes[steps_[s].node].inputs) {
      if (in != kNoValue) read_after[static_cast<size_t>(in)] = true;
    }
  }
  for (ValueId o : graph_.outputs) read_after[static_cast<size_t>(o)] = true;
  std::vector<ValueId> crossing;
  auto add = [&](ValueId id) {
    if (id == kNoValue || graph_.value(id).constant || !read_after[static_cast<size_t>(id)]) return;
    read_after[static_cast<size_t>(id)] = false;  // once
    crossing.push_back(id);
  };
  for (ValueId id : graph_.inputs) add(id);
  for (size_t s = 0; s < cut; ++s) {
    for (ValueId o : graph_.nodes[steps_[s].node].outputs) add(o);
  }
  return crossing;
}

Status Plan::bind_crossing_inputs(size_t cut, const std::vector<NamedTensor>& inputs) {
  const std::vector<ValueId> needed = cut == 0 ? graph_.inputs : crossing_values(cut);
  for (ValueId id : needed) {
    const Value& v = graph_.value(id);
    const NamedTensor* given = nullptr;
    for (const NamedTensor& in : inputs) {
      if (in.name == v.name) given = &in;
    }
    if (given == nullptr) return invalid_argument("missing input '" + v.name + "'");
    if (given->tensor.dtype() != v.dtype) {
      return invalid_argument("input '" + v.name + "' has type " + dtype_name(given->tensor.dtype()) +
                              ", the model expects " + dtype_name(v.dtype));
    }
    const size_t index = static_cast<size_t>(id);
    if (is_dynamic_[index]) {  // shape known only at run time: any shape, an owned copy
      tensors_[index] = given->tensor.clone();
      continue;
    }
    if (given->tensor.shape() != concrete_shape(v)) {
      return invalid_argument("input '" + v.name + "' has shape " + shape_to_string(given->tensor.shape()) +
                              ", the plan was compiled for " + shape_to_string(concrete_shape(v)));
    }
    if (std::find(graph_.inputs.begin(), graph_.inputs.end(), id) != graph_.inputs.end()) {
      // Kernels only read inputs; the const_cast never leads to a write.
      tensors_[index] = Tensor::borrow(v.dtype, given->tensor.shape(), const_cast<void*>(given->tensor.raw_data()));
    } else {  // a value the other side of a cut produced: into its arena slot, alive until its last reader
      std::memcpy(tensors_[index].raw_data(), given->tensor.raw_data(), given->tensor.byte_size());
    }
  }
  for (const NamedTensor& in : inputs) {
    bool known = false;
    for (ValueId id : needed) known |= graph_.value(id).name == in.name;
    if (!known) {
      return invalid_argument(cut == 0 ? "the model has no input named '" + in.name + "'"
                                       : "'" + in.name + "' does not cross the cut before step " + std::to_string(cut));
    }
  }
  return Status::Ok();
}

Status Plan::run_step(Step& step) {
  const Node& node = graph_.nodes[step.node];
  Status st = step.dynamic       ? run_dynamic_step(step)
              : step.early_exit  ? ops::run_early_exit(*step.context, exit_policy_)
              : step.prepared.op ? step.prepared.op->run(*step.context, scratch_ptr_)
                                 : step.run(*step.context);
  RETURN_IF_ERROR(st);
  if (step.activation.kind != ref::ActivationKind::kNone && !step.prepared.applies_activation) {
    Tensor& out = tensors_[static_cast<size_t>(node.outputs[0])];
    // INT8 ops clamp their uint8 outputs themselves (ops/quant_int8_params.h).
    if (out.dtype() == DType::kF32) ref::apply_activation(out.data<float>(), out.num_elements(), step.activation);
  }
  return Status::Ok();
}

Status Plan::run_steps(size_t first, size_t last, const std::vector<NamedTensor>& inputs,
                       std::vector<NamedTensor>* outputs, std::vector<double>* step_ms) {
  if (first > last || last > steps_.size()) {
    return invalid_argument("steps [" + std::to_string(first) + ", " + std::to_string(last) +
                            ") are not a range of the plan's " + std::to_string(steps_.size()) + " steps");
  }
  if (external_arena_) return invalid_argument("this plan runs in a caller's arena: use run_in_arena");
  RETURN_IF_ERROR(bind_crossing_inputs(first, inputs));
  if (step_ms != nullptr) step_ms->clear();
  ASSIGN_OR_RETURN(const size_t stop, execute(first, last, step_ms));
  outputs->clear();
  if (stop < last) {  // an early exit ended the run: its outputs stand in for the graph outputs
    for (size_t i = 0; i < graph_.outputs.size(); ++i) {
      ASSIGN_OR_RETURN(const Tensor* out, output_after(stop, i));
      outputs->push_back({graph_.value(graph_.outputs[i]).name, out->clone()});
    }
    return Status::Ok();
  }
  for (ValueId id : crossing_values(last)) {
    outputs->push_back({graph_.value(id).name, tensors_[static_cast<size_t>(id)].clone()});
  }
  return Status::Ok();
}

Result<size_t> Plan::execute(size_t first, size_t last, std::vector<double>* step_ms) {
  last_run_ = RunReport{};
  for (size_t s = first; s < last; ++s) {
    const auto t0 = std::chrono::steady_clock::now();
    RETURN_IF_ERROR(run_step(steps_[s]));
    if (step_ms != nullptr)
      step_ms->push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    last_run_.steps_run = s - first + 1;
    const Step& step = steps_[s];
    if (step.early_exit && s + 1 < steps_.size() &&
        ops::all_samples_exited(tensors_[static_cast<size_t>(graph_.nodes[step.node].outputs[1])])) {
      last_run_.stopped_at_exit = static_cast<int>(graph_.nodes[step.node].attrs.get_int(early_exit_attr::kExitIndex, 0));
      return s;
    }
  }
  return last;
}

Result<const Tensor*> Plan::output_after(size_t stop, size_t i) const {
  const ValueId out = graph_.outputs[i];
  if (stop >= steps_.size()) return &tensors_[static_cast<size_t>(out)];
  const Node& node = graph_.nodes[steps_[stop].node];
  if (exit_output_slot_[i] < 0) {
    return unsupported("graph output '" + graph_.value(out).name + "' is not an early-exit output, so " +
                       node.describe() + " cannot stand in for it");
  }
  return &tensors_[static_cast<size_t>(node.outputs[static_cast<size_t>(exit_output_slot_[i])])];
}

Status Plan::run_in_arena(void* arena, size_t arena_size, const void* const* inputs, void* const* outputs) {
  if (!external_arena_) return invalid_argument("this plan owns its arena: compile it with external_arena");
  if (arena == nullptr || reinterpret_cast<uintptr_t>(arena) % 64 != 0)
    return invalid_argument("the arena must be 64-byte aligned");
  if (arena_size < external_arena_bytes()) {
    return out_of_range("the arena has " + std::to_string(arena_size) + " bytes; the model needs " +
                        std::to_string(external_arena_bytes()));
  }
  if (arena != bound_arena_) bind_arena(arena);
  scratch_ptr_ = scratch_bytes_ > 0 ? static_cast<uint8_t*>(arena) + activation_region_bytes() : nullptr;
  for (size_t i = 0; i < graph_.inputs.size(); ++i) {
    if (inputs[i] == nullptr) return invalid_argument("input " + std::to_string(i) + " is null");
    // Kernels only read inputs; the const_cast never leads to a write.
    tensors_[static_cast<size_t>(graph_.inputs[i])].rebind(const_cast<void*>(inputs[i]));
  }
  ASSIGN_OR_RETURN(const size_t stop, execute(0, steps_.size(), nullptr));
  for (size_t i = 0; i < graph_.outputs.size(); ++i) {
    if (outputs[i] == nullptr) return invalid_argument("output " + std::to_string(i) + " is null");
    ASSIGN_OR_RETURN(const Tensor* out, output_after(stop, i));
    if (out->byte_size() > 0) std::memcpy(outputs[i], out->raw_data(), out->byte_size());
  }
  return Status::Ok();
}

Status Plan::run(const std::vector<NamedTensor>& inputs, std::vector<NamedTensor>* outputs) {
  return run_steps(0, steps_.size(), inputs, outputs);
}

}  // namespace edgerun
