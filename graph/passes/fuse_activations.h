// Fuses an activation into the Conv, ConvTranspose or Gemm producing its input: the activation node
// goes away and the producer carries it as attributes, applied by the engine to the producer's output
// while it is still hot (a later issue moves this into the kernels' epilogues).
#pragma once

#include "graph/graph.h"

namespace edgerun {

// Attribute names on the fused producer.
inline constexpr const char* kFusedActivation = "_fused_activation";  // op name: Relu, Clip, ...
inline constexpr const char* kFusedAlpha = "_fused_alpha";
inline constexpr const char* kFusedBeta = "_fused_beta";
inline constexpr const char* kFusedMin = "_fused_min";
inline constexpr const char* kFusedMax = "_fused_max";

// Returns the number of activations fused.
int fuse_activations(Graph& graph);

// Writes the _fused_* attributes describing activation node `act` into attrs; false if it is not an
// activation a producer can carry (Clip bounds must be constants).
bool describe_fusable_activation(const Graph& graph, const Node& act, Attributes& attrs);

}  // namespace edgerun
