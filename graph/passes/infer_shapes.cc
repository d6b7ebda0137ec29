#include "graph/passes/infer_shapes.h"

#include "graph/ops/op_schema.h"

namespace edgerun {

namespace {

void set_concrete(Value& v, DType dtype, const Shape& shape) {
  v.dtype = dtype;
  v.has_shape = true;
  v.shape.clear();
  for (int64_t d : shape) v.shape.push_back(SymDim{d, ""});
}

Status bind_inputs(Graph& graph, const std::map<std::string, Shape>& input_shapes) {
  for (ValueId id : graph.inputs) {
    Value& v = graph.value(id);
    auto it = input_shapes.find(v.name);
    if (it == input_shapes.end()) return invalid_argument("no shape given for graph input '" + v.name + "'");
    const Shape& shape = it->second;
    if (v.has_shape) {
      if (v.shape.size() != shape.size()) {
        return invalid_argument("input '" + v.name + "' has rank " + std::to_string(v.shape.size()) +
                                " in the model " + sym_shape_to_string(v.shape) + ", got shape " +
                                shape_to_string(shape));
      }
      for (size_t d = 0; d < shape.size(); ++d) {
        if (v.shape[d].known() && v.shape[d].size != shape[d]) {
          return invalid_argument("input '" + v.name + "' dim " + std::to_string(d) + " is " +
                                  std::to_string(v.shape[d].size) + " in the model " + sym_shape_to_string(v.shape) +
                                  ", got shape " + shape_to_string(shape));
        }
      }
    }
    RETURN_IF_ERROR(checked_num_elements(shape).status().with_context("input '" + v.name + "'"));
    set_concrete(v, v.dtype, shape);
  }
  return Status::Ok();
}

// Shape and Size read only their input's shape, so they fold as soon as that shape is known.
bool reads_only_shape(OpType op) { return op == OpType::kShape || op == OpType::kSize; }

}  // namespace

Shape concrete_shape(const Value& value) {
  Shape s;
  s.reserve(value.shape.size());
  for (const SymDim& d : value.shape) s.push_back(d.size);
  return s;
}

Status infer_shapes(Graph& graph, const std::map<std::string, Shape>& input_shapes,
                    const ShapeInferenceOptions& options) {
  return infer_shapes_with(graph, input_shapes, options, builtin_infer_functions());
}

Status infer_shapes_with(Graph& graph, const std::map<std::string, Shape>& input_shapes,
                         const ShapeInferenceOptions& options, const InferFn* infer_fns) {
  RETURN_IF_ERROR(check_node_count(graph, options.limits));
  RETURN_IF_ERROR(graph.topological_sort());
  for (const auto& [name, shape] : input_shapes) {
    RETURN_IF_ERROR(check_tensor_shape(shape, options.limits, "input '" + name + "'"));
  }
  RETURN_IF_ERROR(bind_inputs(graph, input_shapes));
  std::vector<bool> known(graph.values.size(), false);
  for (ValueId id : graph.inputs) known[static_cast<size_t>(id)] = true;
  for (size_t i = 0; i < graph.values.size(); ++i) {
    Value& v = graph.values[i];
    if (v.constant) {
      set_concrete(v, v.constant->dtype(), v.constant->shape());
      known[i] = true;
    }
  }

  std::vector<Node> kept;
  kept.reserve(graph.nodes.size());
  for (Node& node : graph.nodes) {
    std::vector<DType> types;
    std::vector<Shape> shapes;
    std::vector<const Tensor*> values;
    bool all_known = true;
    bool all_constant = true;
    std::vector<Tensor> shape_only;  // stand-ins for Shape/Size inputs that are not constants
    shape_only.reserve(node.inputs.size());
    for (ValueId in : node.inputs) {
      if (in == kNoValue) {
        types.push_back(DType::kUndefined);
        shapes.emplace_back();
        values.push_back(nullptr);
        continue;
      }
      const Value& v = graph.value(in);
      if (!known[static_cast<size_t>(in)]) {
        all_known = false;
        break;
      }
      types.push_back(v.dtype);
      shapes.push_back(concrete_shape(v));
      if (v.constant) {
        values.push_back(&*v.constant);
      } else if (reads_only_shape(node.op)) {
        shape_only.push_back(Tensor::borrow(v.dtype, concrete_shape(v), nullptr));
        values.push_back(&shape_only.back());
      } else {
        values.push_back(nullptr);
        all_constant = false;
      }
    }
    if (!all_known) {  // downstream of a run-time shape: inferred at run time too
      kept.push_back(std::move(node));
      continue;
    }
    InferContext ctx(node, types, shapes, values);
    const bool known_op = node.op != OpType::kUnknown;
    Status st = infer_node_with(ctx, known_op ? infer_fns[static_cast<size_t>(node.op)] : nullptr);
    if (st.code() == StatusCode::kNeedsValue) {
      kept.push_back(std::move(node));
      continue;
    }
    RETURN_IF_ERROR(st);
    size_t out_bytes = 0;
    for (size_t o = 0; o < node.outputs.size(); ++o) {
      if (node.outputs[o] == kNoValue) continue;
      if (Status within = check_tensor_shape(ctx.output_shape(o), options.limits, "output " + std::to_string(o));
          !within.ok()) {
        return within.with_context(node.describe());
      }
      set_concrete(graph.value(node.outputs[o]), ctx.output_type(o), ctx.output_shape(o));
      known[static_cast<size_t>(node.outputs[o])] = true;
      out_bytes += static_cast<size_t>(num_elements(ctx.output_shape(o))) * dtype_size(ctx.output_type(o));
    }
    if (options.fold == nullptr || !all_constant || out_bytes > options.max_folded_bytes ||
        (options.keep_unfolded != nullptr && options.keep_unfolded(graph, node))) {
      kept.push_back(std::move(node));
      continue;
    }
    std::vector<Tensor> results;
    std::vector<Tensor*> outputs;
    results.reserve(node.outputs.size());
    for (size_t o = 0; o < node.outputs.size(); ++o) {
      if (node.outputs[o] == kNoValue) {
        outputs.push_back(nullptr);
        continue;
      }
      ASSIGN_OR_RETURN(Tensor t, Tensor::allocate(ctx.output_type(o), ctx.output_shape(o)));
      results.push_back(std::move(t));
      outputs.push_back(&results.back());
    }
    RETURN_IF_ERROR((*options.fold)(node, values, outputs));
    for (size_t o = 0; o < node.outputs.size(); ++o) {
      if (outputs[o] != nullptr) graph.value(node.outputs[o]).constant = *outputs[o];
    }
  }
  graph.nodes = std::move(kept);
  // Values downstream of run-time shapes keep no stale declared shape.
  for (size_t i = 0; i < graph.values.size(); ++i) {
    if (!known[i]) graph.values[i].has_shape = false;
  }
  return Status::Ok();
}

}  // namespace edgerun
