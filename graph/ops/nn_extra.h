// Shape rules shared by the inference (graph/ops) and run functions (engine/ops) of LRN,
// MeanVarianceNormalization, LpNormalization, LpPool, GlobalLpPool and MaxUnpool, so both sides read
// the attributes the same way.
#pragma once

#include <vector>

#include "graph/graph.h"
#include "graph/ops/nn_common.h"

namespace edgerun::ops {

// MeanVarianceNormalization: which dims the statistics run over (`axes`, default [0, 2, 3]).
Result<std::vector<bool>> mvn_reduced_dims(const Node& node, int64_t rank);

// LpNormalization: the [outer, n, inner] view around `axis` and the order p (1 or 2).
struct LpNormView {
  AxisView view;
  int p = 2;
};
Result<LpNormView> lp_norm_view(const Node& node, const Shape& x);

// LpPool / GlobalLpPool: the order p (an int attribute from opset 2, a float before).
Result<double> lp_pool_order(const Node& node);

// MaxUnpool: the window of the pooling being undone (kernel_shape, strides, pads) and the default
// output spatial dims (in - 1) * stride + kernel - pads.
Result<WindowGeometry> unpool_geometry(const Node& node, const Shape& x);

}  // namespace edgerun::ops
