// The dense table, best first (see kernels/dispatch.h).
#include "kernels/gemm/dense.h"

#include "kernels/gemm/dense_ref.h"
#if defined(EDGERUN_HAVE_XNNPACK)
#include "kernels/backends/xnnpack/dense_xnnpack.h"
#endif

namespace edgerun::kernels {

const std::vector<DenseF32Impl>& dense_f32_impls() {
  static const std::vector<DenseF32Impl> table = {
#if defined(EDGERUN_HAVE_XNNPACK)
      {"xnnpack_dense", Isa::kRef, Backend::kXnnpack, dense_f32_xnnpack_supports, create_dense_f32_xnnpack},
#endif
      {"f32_dense__ref", Isa::kRef, Backend::kNative, nullptr, create_dense_f32_ref},
  };
  return table;
}

}  // namespace edgerun::kernels
