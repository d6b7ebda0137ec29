// The dense table, best first (see kernels/dispatch.h).
#include "kernels/gemm/dense.h"

#include "kernels/gemm/dense_ref.h"
#include "kernels/gemm/f32_dense.h"

namespace edgerun::kernels {

const std::vector<DenseF32Impl>& dense_f32_impls() {
  static const std::vector<DenseF32Impl> table = {
      {"f32_dense_gemm__avx512", Isa::kAvx512, Backend::kNative, nullptr, create_dense_gemm<Isa::kAvx512>},
      {"f32_dense_gemm__avx2", Isa::kAvx2, Backend::kNative, nullptr, create_dense_gemm<Isa::kAvx2>},
      {"f32_dense__ref", Isa::kRef, Backend::kNative, nullptr, create_dense_f32_ref},
  };
  return table;
}

}  // namespace edgerun::kernels
