// When the engine runs a layer on the sparse kernels (kernels/sparse): measure (the default: a layer
// whose weights are mostly zeros is timed on both the sparse and the dense kernel at plan compile
// and keeps the faster), off (always dense) or always (every layer the sparse kernels cover, whatever
// its zeros: tests, and benchmarks that want the sparse kernels' own numbers).
#pragma once

#include <string>

#include "graph/status.h"

namespace edgerun::kernels {

enum class SparseKernels : int { kMeasure = 0, kOff = 1, kAlways = 2 };

const char* sparse_kernels_name(SparseKernels policy);  // "measure", "off", "always"
Result<SparseKernels> parse_sparse_kernels(const std::string& name);

}  // namespace edgerun::kernels
