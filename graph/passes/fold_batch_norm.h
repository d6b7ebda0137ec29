// Folds an inference-mode BatchNormalization into the Conv that feeds it (constant f32 weights):
// W' = W * s, B' = (B - mean) * s + beta with s = gamma / sqrt(var + eps), per output channel.
#pragma once

#include "graph/graph.h"

namespace edgerun {

// Returns the number of BatchNormalization nodes folded.
Result<int> fold_batch_norm(Graph& graph);

}  // namespace edgerun
