// The quantized batched matmul table, best first (see kernels/dispatch.h).
#include "kernels/qgemm/qmatmul.h"

#include "kernels/qgemm/qmatmul_ref.h"
#include "kernels/qgemm/qs8_matmul.h"

namespace edgerun::kernels {

const std::vector<QMatMulImpl>& qmatmul_impls() {
  static const std::vector<QMatMulImpl> table = {
      {"qs8_matmul__avx512vnni", Isa::kAvx512Vnni, Backend::kNative, nullptr, create_qmatmul_packed<Isa::kAvx512Vnni>},
      {"qs8_matmul__avx2", Isa::kAvx2, Backend::kNative, nullptr, create_qmatmul_packed<Isa::kAvx2>},
      {"qs8_matmul__ref", Isa::kRef, Backend::kNative, nullptr, create_qmatmul_ref},
  };
  return table;
}

}  // namespace edgerun::kernels
