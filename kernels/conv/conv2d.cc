// The conv2d table, best first. Entries whose ISA the CPU lacks, or whose backend was not asked for,
// are passed over by choose_impl (kernels/dispatch.h).
#include "kernels/conv/conv2d.h"

#include "kernels/conv/conv2d_depthwise.h"
#include "kernels/conv/conv2d_gemm.h"
#include "kernels/conv/conv2d_ref.h"
#include "kernels/conv/conv2d_winograd.h"
#if defined(EDGERUN_HAVE_ONEDNN)
#include "kernels/backends/onednn/conv2d_onednn.h"
#endif
#if defined(EDGERUN_HAVE_XNNPACK)
#include "kernels/backends/xnnpack/conv2d_xnnpack.h"
#endif

namespace edgerun::kernels {

const std::vector<Conv2dF32Impl>& conv2d_f32_impls() {
  static const std::vector<Conv2dF32Impl> table = {
#if defined(EDGERUN_HAVE_ONEDNN)
    {"onednn_conv2d", Isa::kRef, Backend::kOneDnn, onednn_conv2d_f32_supports, create_conv2d_f32_onednn},
#endif
#if defined(EDGERUN_HAVE_XNNPACK)
    {"xnnpack_conv2d", Isa::kRef, Backend::kXnnpack, conv2d_f32_xnnpack_supports, create_conv2d_f32_xnnpack},
#endif
    // AVX-512: Winograd where measured faster (conv2d_winograd.h), else GEMM. The AVX2 Winograd
    // thresholds were set against the AVX2 GEMM, so they come after every AVX-512 entry.
    {"f32_conv2d_winograd_4x4__avx512", Isa::kAvx512, Backend::kNative, conv2d_winograd_supports<4, 16>,
     create_conv2d_f32_winograd<f32_winograd_4x4_8x32__avx512>},
    {"f32_conv2d_winograd_2x2__avx512", Isa::kAvx512, Backend::kNative, conv2d_winograd_supports<2, 32>,
     create_conv2d_f32_winograd<f32_winograd_2x2_8x32__avx512>},
    {"f32_conv2d_gemm__avx512", Isa::kAvx512, Backend::kNative, conv2d_gemm_supports, create_conv2d_gemm<Isa::kAvx512>},
    {"f32_conv2d_winograd_4x4__avx2", Isa::kAvx2, Backend::kNative, conv2d_winograd_supports<4, 8>,
     create_conv2d_f32_winograd<f32_winograd_4x4_6x16__avx2>},
    {"f32_conv2d_winograd_2x2__avx2", Isa::kAvx2, Backend::kNative, conv2d_winograd_supports<2, 16>,
     create_conv2d_f32_winograd<f32_winograd_2x2_6x16__avx2>},
    {"f32_conv2d_gemm__avx2", Isa::kAvx2, Backend::kNative, conv2d_gemm_supports, create_conv2d_gemm<Isa::kAvx2>},
    {"f32_dwconv2d_chw__avx512", Isa::kAvx512, Backend::kNative, dwconv2d_supported, create_dwconv2d_avx512},
    {"f32_dwconv2d_chw__avx2", Isa::kAvx2, Backend::kNative, dwconv2d_supported, create_dwconv2d_avx2},
    {"f32_conv2d__ref", Isa::kRef, Backend::kNative, nullptr, create_conv2d_f32_ref},
  };
  return table;
}

}  // namespace edgerun::kernels
