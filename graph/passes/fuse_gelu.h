// Fuses the exact GELU as exporters write it, x * 0.5 * (1 + Erf(x / sqrt 2)), into one Gelu node
// (ONNX Gelu-20, approximate = "none"), which the engine runs with one vectorised kernel instead of
// five passes over the tensor. Matched in every order of the products and sums (x * 0.5 first, the
// half last, or (1 + erf) * 0.5 first), with x / sqrt 2 written as a Div or as a Mul by 1 / sqrt 2.
// Only f32 chains whose intermediate values have no other reader are fused.
#pragma once

#include "graph/graph.h"

namespace edgerun {

// Returns the number of GELUs fused.
int fuse_gelu(Graph& graph);

}  // namespace edgerun
