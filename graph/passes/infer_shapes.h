// Binds the graph inputs to concrete shapes and infers the dtype and shape of every value in
// topological order, folding on the way every node whose inputs are all constant (shape subgraphs
// included: a Shape node of a value with a known shape is a constant). After it, every value has a
// concrete shape, except values whose shape depends on data known only at run time (`has_shape` false).
#pragma once

#include <functional>
#include <map>

#include "graph/graph.h"
#include "graph/limits.h"
#include "graph/ops/op_schema.h"

namespace edgerun {

// Runs one node on the given inputs into outputs allocated by the caller (the engine owns kernels).
using NodeEvaluator =
    std::function<Status(const Node& node, const std::vector<const Tensor*>& inputs, std::vector<Tensor*>& outputs)>;

struct ShapeInferenceOptions {
  const NodeEvaluator* fold = nullptr;          // null: infer only, fold nothing
  size_t max_folded_bytes = size_t{64} << 20;   // larger results stay computed at run time
  // Nodes never folded even when their inputs are constant (the int8 weights' DequantizeLinear, which
  // the QDQ lowering reads); null: none.
  bool (*keep_unfolded)(const Graph& graph, const Node& node) = nullptr;
  // Node count, and every input's and inferred tensor's rank and element count.
  ModelLimits limits;
};

Status infer_shapes(Graph& graph, const std::map<std::string, Shape>& input_shapes,
                    const ShapeInferenceOptions& options = {});
// The same with each op's inference function from `infer_fns` (indexed by OpType, null for ops left
// out): an op resolver's, so a firmware image links only its ops' inference.
Status infer_shapes_with(Graph& graph, const std::map<std::string, Shape>& input_shapes,
                         const ShapeInferenceOptions& options, const InferFn* infer_fns);

// The concrete shape of a value whose shape is known.
Shape concrete_shape(const Value& value);

}  // namespace edgerun
