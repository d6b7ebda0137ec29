// Reads a native .edgr model (layout: graph/format/edgr_format.h) from bytes in memory, in place: the
// graph's constants and tensor attributes point into `data`, which the caller keeps alive (and
// unchanged) as long as the graph or anything compiled from it. No file system use: the firmware
// build loads its model from a const array with this.
#pragma once

#include <cstddef>
#include <cstdint>

#include "graph/graph.h"
#include "graph/status.h"

namespace edgerun {

// Parses and checks a .edgr file of `size` bytes at `data` (edgr::kBufferAlignment-aligned). The
// bytes are untrusted: every offset, size, count, id, dtype and op name is checked, as is the node
// order, and every error names the part of the file at fault ("edgr: value 12 'conv1.weight': ...").
// Shapes and attributes are checked later, when the graph is compiled (Plan::compile's inference).
Result<Graph> read_edgr(const uint8_t* data, size_t size);

}  // namespace edgerun
