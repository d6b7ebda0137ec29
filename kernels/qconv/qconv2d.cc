// The qconv2d table, best first (see kernels/dispatch.h).
#include "kernels/qconv/qconv2d.h"

#include "kernels/qconv/qconv2d_gemm.h"
#include "kernels/qconv/qconv2d_ref.h"
#include "kernels/qconv/qdwconv2d.h"

namespace edgerun::kernels {

const std::vector<QConv2dImpl>& qconv2d_impls() {
  static const std::vector<QConv2dImpl> table = {
      {"qs8_dwconv2d_c4__avx512vnni", Isa::kAvx512Vnni, Backend::kNative, qdwconv2d_c4_supported,
       create_qdwconv2d_avx512vnni},
      {"qs8_dwconv2d_c2__avx2", Isa::kAvx2, Backend::kNative, qdwconv2d_supported, create_qdwconv2d_avx2},
      {"qs8_conv2d_gemm__avx512vnni", Isa::kAvx512Vnni, Backend::kNative, qconv2d_gemm_supports,
       create_qconv2d_gemm<Isa::kAvx512Vnni>},
      {"qs8_conv2d_gemm__avx2", Isa::kAvx2, Backend::kNative, qconv2d_gemm_supports, create_qconv2d_gemm<Isa::kAvx2>},
      {"qs8_conv2d__ref", Isa::kRef, Backend::kNative, nullptr, create_qconv2d_ref},
  };
  return table;
}

}  // namespace edgerun::kernels
