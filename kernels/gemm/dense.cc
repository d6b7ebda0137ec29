// The dense table, best first (see kernels/dispatch.h).
#include "kernels/gemm/dense.h"

#include "kernels/gemm/dense_ref.h"

namespace edgerun::kernels {

const std::vector<DenseF32Impl>& dense_f32_impls() {
  static const std::vector<DenseF32Impl> table = {
      {"f32_dense__ref", Isa::kRef, Backend::kNative, nullptr, create_dense_f32_ref},
  };
  return table;
}

}  // namespace edgerun::kernels
