// Removes nodes whose outputs nobody reads, bypasses Identity and inference-mode Dropout, and frees
// constants no node reads any more.
#pragma once

#include "graph/graph.h"

namespace edgerun {

// Returns the number of nodes removed.
int eliminate_dead_nodes(Graph& graph);

}  // namespace edgerun
