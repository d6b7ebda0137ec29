#include "graph/limits.h"

namespace edgerun {

namespace {
Status over(const std::string& what, const std::string& amount, int64_t limit, const char* field) {
  return out_of_range(what + " " + amount + ", over the limit of " + std::to_string(limit) + " (ModelLimits::" +
                      field + ")");
}
}  // namespace

Status check_model_bytes(uint64_t bytes, const ModelLimits& limits) {
  if (bytes <= limits.max_model_bytes) return Status::Ok();
  return out_of_range("the model has " + std::to_string(bytes) + " bytes, over the limit of " +
                      std::to_string(limits.max_model_bytes) + " (ModelLimits::max_model_bytes)");
}

Status check_node_count(const Graph& graph, const ModelLimits& limits) {
  const auto nodes = static_cast<int64_t>(graph.nodes.size());
  if (nodes <= limits.max_nodes) return Status::Ok();
  return over("the graph", "has " + std::to_string(nodes) + " nodes", limits.max_nodes, "max_nodes");
}

Status check_tensor_shape(const Shape& shape, const ModelLimits& limits, const std::string& what) {
  const auto rank = static_cast<int64_t>(shape.size());
  if (rank > limits.max_rank) return over(what, "has rank " + std::to_string(rank), limits.max_rank, "max_rank");
  // Overflow-safe: the running product never exceeds the cap before the comparison.
  int64_t elements = 1;
  for (int64_t d : shape) {
    if (d < 0) return invalid_model(what + " has a negative dim in " + shape_to_string(shape));
    if (d != 0 && elements > limits.max_tensor_elements / d) {
      return over(what, "of shape " + shape_to_string(shape) + " has more elements", limits.max_tensor_elements,
                  "max_tensor_elements");
    }
    elements *= d;
  }
  return Status::Ok();
}

}  // namespace edgerun
