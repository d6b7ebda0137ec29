// Cut points of a compiled plan. Every tier compiles the same Plan (same steps), so a partition is a
// step index K: the first tier runs steps [0, K), ships the values crossing the cut
// (Plan::crossing_values(K)) to the next tier, which runs [K, N). Cut 0 ships the graph inputs (all
// the work on the second tier); cut N ships the graph outputs (all on the first).
//
// A cut is shippable when every crossing value has a static shape (a dynamic one is known only at run
// time, and the receiving tier's plan binds it at compile time) and a fixed-size element type.
// Bytes follow the element types: in an INT8 plan (SPTQ, lowered by graph/passes/lower_qdq.h) the
// activations between quantized ops are uint8, so the same cut ships 4x fewer bytes than in FP32.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/plan.h"

namespace edgerun::partition {

struct CutPoint {
  size_t step = 0;                   // the second tier starts at this step
  std::vector<std::string> tensors;  // crossing values, in Plan::crossing_values order
  std::vector<DType> dtypes;
  std::vector<Shape> shapes;
  int64_t bytes = 0;  // payload of all crossing tensors
  std::string after;  // node name of step - 1; "(input)" for cut 0
};

// The cut before `step` (0..num_steps()). Errors: out of range, a crossing value without a static
// shape or with an element type of no fixed size.
Result<CutPoint> cut_at(const Plan& plan, size_t step);

// Every shippable cut, 0..num_steps(), in order.
std::vector<CutPoint> enumerate_cuts(const Plan& plan);

}  // namespace edgerun::partition
