// The Softmax table, best first (see kernels/dispatch.h), and the loop over rows around the microkernels.
#include "kernels/eltwise/softmax.h"

#include <algorithm>

#include "kernels/eltwise/eltwise_ref.h"
#include "kernels/eltwise/parallel.h"
#include "kernels/x86/softmax/softmax_ukernels.h"

namespace edgerun::kernels {

namespace {

using SoftmaxUkernel = void (*)(int64_t n, const float* x, float* y);

template <SoftmaxUkernel kUkernel>
void run_softmax(const SoftmaxShape& shape, const float* x, float* y) {
  const int64_t n = shape.n;
  // Threads take at least 8192 elements (about 10 us of work).
  parallel_ranges(shape.rows, std::max<int64_t>(1, 8192 / std::max<int64_t>(n, 1)), 1, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) kUkernel(n, x + r * n, y + r * n);
  });
}

}  // namespace

const std::vector<SoftmaxF32Impl>& softmax_f32_impls() {
  static const std::vector<SoftmaxF32Impl> table = {
      {"f32_softmax__avx512", Isa::kAvx512, Backend::kNative, nullptr, run_softmax<f32_softmax__avx512>},
      {"f32_softmax__avx2", Isa::kAvx2, Backend::kNative, nullptr, run_softmax<f32_softmax__avx2>},
      {"f32_softmax__ref", Isa::kRef, Backend::kNative, nullptr, softmax_f32_ref},
  };
  return table;
}

}  // namespace edgerun::kernels
