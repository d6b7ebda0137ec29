// Shapes. A graph declares its inputs with symbolic dims (batch, sequence); the engine binds them to
// concrete sizes when it compiles a graph, after which every shape is a plain vector of sizes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/status.h"

namespace edgerun {

using Shape = std::vector<int64_t>;

// One dim of a declared shape: a known size, or a named symbol ("batch"), or unknown (both empty).
struct SymDim {
  int64_t size = -1;  // >= 0 when known
  std::string symbol;
  bool known() const { return size >= 0; }
};
using SymShape = std::vector<SymDim>;

// Largest element count we accept for one tensor (2^40): guards size arithmetic against overflow
// from absurd dims in untrusted models.
constexpr int64_t kMaxElements = int64_t{1} << 40;

// Product of dims; error if a dim is negative or the product exceeds kMaxElements.
Result<int64_t> checked_num_elements(const Shape& shape);
// Product of dims without checks (the shape is already validated).
int64_t num_elements(const Shape& shape);
std::string shape_to_string(const Shape& shape);
std::string sym_shape_to_string(const SymShape& shape);

// Normalises a possibly negative axis for a tensor of `rank`; error if out of range.
Result<int64_t> normalize_axis(int64_t axis, int64_t rank);

// Numpy-style multidirectional broadcast of two shapes.
Result<Shape> broadcast_shapes(const Shape& a, const Shape& b);

}  // namespace edgerun
