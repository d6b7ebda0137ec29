// Folds the Adds that follow a Conv, Gemm or MatMul into the producer, so its kernel adds them while
// storing the output (an epilogue) instead of a second pass over memory:
//  - a residual: Add(producer output, r) with r shaped like the output (ResNet's skip connection,
//    BERT's residual). The producer gets r as an extra input and kFusedResidual;
//  - a bias: Add(MatMul output, c) with c a constant vector over the last axis (PyTorch exports
//    Linear on 3-D inputs as MatMul + Add). The MatMul gets c as input 2 and kFusedBias.
// Only f32 producers with constant weights and static shapes qualify, and only before an activation is
// fused (the activation must apply after the add): run it before fuse_activations.
#pragma once

#include "graph/graph.h"

namespace edgerun {

inline constexpr const char* kFusedResidual = "_fused_residual";  // int 1: input 3 is added to the output
inline constexpr const char* kFusedBias = "_fused_bias";          // int 1: MatMul input 2 is a bias over the last axis
inline constexpr size_t kFusedResidualInput = 3;

// Returns the number of Adds folded.
int fuse_epilogue_adds(Graph& graph);

}  // namespace edgerun
