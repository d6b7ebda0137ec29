// The u8 x s8 GEMM table, best first (see kernels/dispatch.h).
#include "kernels/qgemm/qgemm.h"

#include "kernels/qgemm/qgemm_ref.h"
#include "kernels/qgemm/qs8_gemm.h"

namespace edgerun::kernels {

const std::vector<QGemmU8S8Impl>& qgemm_u8s8_impls() {
  static const std::vector<QGemmU8S8Impl> table = {
      {"qs8_gemm__avx512vnni", Isa::kAvx512Vnni, Backend::kNative, nullptr, create_qgemm_u8s8_packed<Isa::kAvx512Vnni>},
      {"qs8_gemm__avx2", Isa::kAvx2, Backend::kNative, nullptr, create_qgemm_u8s8_packed<Isa::kAvx2>},
      {"qs8_gemm__ref", Isa::kRef, Backend::kNative, nullptr, create_qgemm_u8s8_ref},
  };
  return table;
}

}  // namespace edgerun::kernels
