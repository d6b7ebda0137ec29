// The conv2d table, best first. Entries whose ISA the CPU lacks, or whose backend was not asked for,
// are passed over by choose_impl (kernels/dispatch.h).
#include "kernels/conv/conv2d.h"

#include "kernels/conv/conv2d_depthwise.h"
#include "kernels/conv/conv2d_ref.h"

namespace edgerun::kernels {

const std::vector<Conv2dF32Impl>& conv2d_f32_impls() {
  static const std::vector<Conv2dF32Impl> table = {
      {"f32_dwconv2d_chw__avx512", Isa::kAvx512, Backend::kNative, dwconv2d_supported, create_dwconv2d_avx512},
      {"f32_dwconv2d_chw__avx2", Isa::kAvx2, Backend::kNative, dwconv2d_supported, create_dwconv2d_avx2},
      {"f32_conv2d__ref", Isa::kRef, Backend::kNative, nullptr, create_conv2d_f32_ref},
  };
  return table;
}

}  // namespace edgerun::kernels
