// The pool2d table, best first. Entries whose ISA the CPU lacks, or whose backend was not asked for,
// are passed over by choose_impl (kernels/dispatch.h).
#include "kernels/pool/pool2d.h"

#include "kernels/pool/pool2d_ref.h"
#include "kernels/pool/pool2d_simd.h"

namespace edgerun::kernels {

const std::vector<Pool2dF32Impl>& pool2d_f32_impls() {
  static const std::vector<Pool2dF32Impl> table = {
      {"f32_pool2d_chw__avx512", Isa::kAvx512, Backend::kNative, pool2d_simd_supported, create_pool2d_avx512},
      {"f32_pool2d_chw__avx2", Isa::kAvx2, Backend::kNative, pool2d_simd_supported, create_pool2d_avx2},
      {"f32_pool2d__ref", Isa::kRef, Backend::kNative, nullptr, create_pool2d_f32_ref},
  };
  return table;
}

}  // namespace edgerun::kernels
