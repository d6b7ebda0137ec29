#include "kernels/qgemm/qs8_pack.h"

namespace edgerun::kernels {

void pack_a_widened(const uint8_t* a, int64_t stride, int64_t rows, int64_t k, int64_t mr, int32_t zero_point,
                    int16_t* dst) {
  const int64_t depth = (k + 1) / 2 * 2;
  for (int64_t i = 0; i < mr; ++i) {
    int16_t* d = dst + 2 * i;
    const uint8_t* src = a + i * stride;
    const int64_t valid = i < rows ? k : 0;
    for (int64_t p = 0; p < valid; ++p) d[(p / 2) * mr * 2 + p % 2] = static_cast<int16_t>(src[p] - zero_point);
    for (int64_t p = valid; p < depth; ++p) d[(p / 2) * mr * 2 + p % 2] = 0;
  }
}

}  // namespace edgerun::kernels
