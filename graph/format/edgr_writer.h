// Writes a graph as a native .edgr model (layout: graph/format/edgr_format.h) into bytes in memory;
// tools write them to a file or a C array. No file system use: the firmware build compiles this.
#pragma once

#include <cstdint>
#include <vector>

#include "graph/graph.h"
#include "graph/status.h"

namespace edgerun {

// Serializes `graph`, normally a Plan's compiled graph (Session::plan()->graph()). Values no node,
// graph input or graph output refers to (constants the passes folded away) are left out and the
// rest renumbered in order. Errors: a constant of a type the file cannot hold (string, undefined),
// more values, nodes, attributes or dims than the format's caps, an over-long string.
Result<std::vector<uint8_t>> write_edgr(const Graph& graph);

}  // namespace edgerun
