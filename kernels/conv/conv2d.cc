// The conv2d table, best first. Entries whose ISA the CPU lacks, or whose backend was not asked for,
// are passed over by choose_impl (kernels/dispatch.h).
#include "kernels/conv/conv2d.h"

#include "kernels/conv/conv2d_ref.h"
#include "kernels/conv/conv2d_winograd.h"

namespace edgerun::kernels {

const std::vector<Conv2dF32Impl>& conv2d_f32_impls() {
  static const std::vector<Conv2dF32Impl> table = {
      {"f32_conv2d_winograd_4x4__avx512", Isa::kAvx512, Backend::kNative, conv2d_winograd_supports<4, 16>, create_conv2d_f32_winograd<f32_winograd_4x4_8x32__avx512>},
      {"f32_conv2d_winograd_2x2__avx512", Isa::kAvx512, Backend::kNative, conv2d_winograd_supports<2, 32>, create_conv2d_f32_winograd<f32_winograd_2x2_8x32__avx512>},
      {"f32_conv2d_winograd_4x4__avx2", Isa::kAvx2, Backend::kNative, conv2d_winograd_supports<4, 8>, create_conv2d_f32_winograd<f32_winograd_4x4_6x16__avx2>},
      {"f32_conv2d_winograd_2x2__avx2", Isa::kAvx2, Backend::kNative, conv2d_winograd_supports<2, 16>, create_conv2d_f32_winograd<f32_winograd_2x2_6x16__avx2>},
      {"f32_conv2d__ref", Isa::kRef, Backend::kNative, nullptr, create_conv2d_f32_ref},
  };
  return table;
}

}  // namespace edgerun::kernels
