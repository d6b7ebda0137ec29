// Einsum's equation resolved against concrete operand shapes: which labels are kept (in output order),
// which are summed, and every operand's stride per label. Shared by inference and the run function.
#pragma once

#include <vector>

#include "graph/graph.h"

namespace edgerun::ops {

struct EinsumPlan {
  Shape out;                                  // output shape
  std::vector<int64_t> sum_dims;              // sizes of the summed labels
  std::vector<std::vector<int64_t>> strides;  // per operand: element strides for out dims, then sum dims
};

// numpy.einsum rules: letters label dims, a repeated letter in one operand takes a diagonal, "..." stands
// for dims broadcast across operands (right-aligned). Without "->" the output is the broadcast dims
// followed by the letters used exactly once, in ASCII order.
Result<EinsumPlan> einsum_plan(const Node& node, const std::vector<Shape>& inputs);

}  // namespace edgerun::ops
