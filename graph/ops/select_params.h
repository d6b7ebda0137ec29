// Value-dependent parameters of Compress and Unique: their output shapes depend on input values, so
// inference (which sizes the outputs) and the run function (which fills them) compute them here, once
// each, with the same rules.
#pragma once

#include <vector>

#include "graph/graph.h"

namespace edgerun::ops {

// Compress: the axis (normalized; -1 for the flattened input) and the kept positions along it.
struct CompressParams {
  int64_t axis = -1;
  std::vector<int64_t> kept;
};
Result<CompressParams> compress_params(const Node& node, const Shape& x, const Tensor& condition);

// Unique: the distinct slices of x along `axis` (single elements of the flattened x without one), in
// ascending lexicographic order (sorted = 1) or in order of first occurrence. NaNs compare equal to each
// other and above every number.
struct UniqueGroups {
  int64_t axis = -1;               // normalized; -1 for the flattened input
  std::vector<int64_t> first;      // per distinct slice: its first position along the axis
  std::vector<int64_t> counts;     // per distinct slice: its number of occurrences
  std::vector<int64_t> inverse;    // per position along the axis: its distinct slice
};
Result<UniqueGroups> unique_groups(const Node& node, const Tensor& x);

}  // namespace edgerun::ops
