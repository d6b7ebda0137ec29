#include "kernels/sparse/sparse_policy.h"

namespace edgerun::kernels {

const char* sparse_kernels_name(SparseKernels policy) {
  switch (policy) {
    case SparseKernels::kMeasure: return "measure";
    case SparseKernels::kOff: return "off";
    case SparseKernels::kAlways: return "always";
  }
  return "?";
}

Result<SparseKernels> parse_sparse_kernels(const std::string& name) {
  for (SparseKernels p : {SparseKernels::kMeasure, SparseKernels::kOff, SparseKernels::kAlways}) {
    if (name == sparse_kernels_name(p)) return p;
  }
  return invalid_argument("unknown sparse kernel policy '" + name + "' (expected measure, off or always)");
}

}  // namespace edgerun::kernels
