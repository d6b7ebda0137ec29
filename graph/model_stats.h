// Model statistics for `edgerun inspect` and the zoo tests: op counts, parameter count, MACs.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "graph/graph.h"

namespace edgerun {

struct ModelStats {
  std::map<std::string, int> op_counts;  // op type -> nodes
  int64_t parameters = 0;                // elements of all initializers read by some node
  int64_t macs = 0;                      // multiply-accumulates of Conv, ConvTranspose, Gemm, MatMul (and their INT8 forms)
};

// Op counts and parameters of a graph as imported.
ModelStats count_ops_and_parameters(const Graph& graph);

// MACs of a graph whose shapes are inferred (every value read by a counted node has a concrete shape).
int64_t count_macs(const Graph& shaped_graph);
// MACs of one node of such a graph (0 for ops that are not counted, or shapes not known).
int64_t node_macs(const Graph& shaped_graph, const Node& node);

}  // namespace edgerun
