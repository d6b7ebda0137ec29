// The dense table, best first (see kernels/dispatch.h).
#include "kernels/gemm/dense.h"

#include "kernels/gemm/dense_ref.h"
#if defined(EDGERUN_HAVE_ONEDNN)
#include "kernels/backends/onednn/dense_onednn.h"
#endif
#if defined(EDGERUN_HAVE_XNNPACK)
#include "kernels/backends/xnnpack/dense_xnnpack.h"
#endif
#include "kernels/gemm/f32_dense.h"

namespace edgerun::kernels {

const std::vector<DenseF32Impl>& dense_f32_impls() {
  static const std::vector<DenseF32Impl> table = {
#if defined(EDGERUN_HAVE_ONEDNN)
    {"onednn_dense", Isa::kRef, Backend::kOneDnn, onednn_dense_f32_supports, create_dense_f32_onednn},
#endif
#if defined(EDGERUN_HAVE_XNNPACK)
    {"xnnpack_dense", Isa::kRef, Backend::kXnnpack, dense_f32_xnnpack_supports, create_dense_f32_xnnpack},
#endif
    {"f32_dense_gemm__avx512", Isa::kAvx512, Backend::kNative, nullptr, create_dense_gemm<Isa::kAvx512>},
    {"f32_dense_gemm__avx2", Isa::kAvx2, Backend::kNative, nullptr, create_dense_gemm<Isa::kAvx2>},
    {"f32_dense__ref", Isa::kRef, Backend::kNative, nullptr, create_dense_f32_ref},
  };
  return table;
}

}  // namespace edgerun::kernels
