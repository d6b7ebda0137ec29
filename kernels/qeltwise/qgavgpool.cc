// The QLinearGlobalAveragePool table, best first (see kernels/dispatch.h): the microkernels sum the
// planes, the requantization is kernels/qgemm/requantize.h's, shared by every entry.
#include "kernels/qeltwise/qgavgpool.h"

#include <algorithm>

#include "kernels/eltwise/parallel.h"
#include "kernels/qeltwise/qeltwise_ref.h"
#include "kernels/x86/qeltwise/qeltwise_ukernels.h"

namespace edgerun::kernels {

namespace {

using SumsUkernel = void (*)(int64_t planes, int64_t plane, const uint8_t* x, int32_t* sums);

constexpr int64_t kGrain = 65536;  // bytes per thread
constexpr int64_t kBlock = 64;     // planes summed per microkernel call (a stack buffer)

template <SumsUkernel kUkernel>
void run_qgavgpool(const QGlobalAvgPoolShape& shape, const QGlobalAvgPoolQuantization& q, const uint8_t* x,
                   uint8_t* y) {
  const int32_t offset = static_cast<int32_t>(shape.plane) * q.x_zero_point;
  parallel_ranges(shape.planes, std::max<int64_t>(1, kGrain / shape.plane), 1, [&](int64_t begin, int64_t end) {
    int32_t sums[kBlock];
    for (int64_t p = begin; p < end; p += kBlock) {
      const int64_t count = std::min(kBlock, end - p);
      kUkernel(count, shape.plane, x + p * shape.plane, sums);
      for (int64_t i = 0; i < count; ++i) {
        y[p + i] = static_cast<uint8_t>(requantize(sums[i] - offset, q.scale, q.y_zero_point, 0, 255));
      }
    }
  });
}

}  // namespace

Result<QGlobalAvgPoolQuantization> make_qgavgpool_quantization(const QGlobalAvgPoolShape& shape,
                                                               const QGlobalAvgPoolParams& params) {
  if (shape.plane <= 0 || shape.plane > (int64_t{1} << 23)) {
    return invalid_argument("QLinearGlobalAveragePool: plane size must be in [1, 2^23]");
  }
  QGlobalAvgPoolQuantization q;
  ASSIGN_OR_RETURN(q.scale,
                   quantize_multiplier(static_cast<double>(params.x_scale) /
                                       (static_cast<double>(params.y_scale) * static_cast<double>(shape.plane))));
  q.x_zero_point = params.x_zero_point;
  q.y_zero_point = params.y_zero_point;
  return q;
}

const std::vector<QGlobalAvgPoolU8Impl>& qgavgpool_u8_impls() {
  static const std::vector<QGlobalAvgPoolU8Impl> table = {
      {"qu8_gavgpool__avx512", Isa::kAvx512, Backend::kNative, nullptr, run_qgavgpool<x86::qu8_plane_sums__avx512>},
      {"qu8_gavgpool__avx2", Isa::kAvx2, Backend::kNative, nullptr, run_qgavgpool<x86::qu8_plane_sums__avx2>},
      {"qu8_gavgpool__ref", Isa::kRef, Backend::kNative, nullptr, run_qgavgpool<qu8_plane_sums_ref>},
  };
  return table;
}

}  // namespace edgerun::kernels
