// Caps on what an untrusted model may ask for: its bytes, its node count, and each tensor's rank and
// element count (checked in shape inference with overflow-safe arithmetic, before anything is
// allocated). A model over a cap gets an out_of_range error naming the cap, its value and the
// ModelLimits field that raises it. SessionOptions::limits, CompileOptions::limits and
// ShapeInferenceOptions::limits carry them.
#pragma once

#include <cstdint>
#include <string>

#include "graph/graph.h"

namespace edgerun {

struct ModelLimits {
  uint64_t max_model_bytes = uint64_t{4} << 30;         // a model file or byte array (ONNX or .edgr)
  int64_t max_nodes = int64_t{1} << 20;                 // nodes of the graph
  int64_t max_rank = 16;                                // dims of any tensor
  int64_t max_tensor_elements = int64_t{1} << 34;       // elements of any tensor (64 GiB of f32)
};

Status check_model_bytes(uint64_t bytes, const ModelLimits& limits);
Status check_node_count(const Graph& graph, const ModelLimits& limits);
// `what` names the tensor in the error ("node 'conv1' (Conv): output 0").
Status check_tensor_shape(const Shape& shape, const ModelLimits& limits, const std::string& what);

}  // namespace edgerun
