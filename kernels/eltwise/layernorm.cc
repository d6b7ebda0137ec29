// The LayerNorm table, best first (see kernels/dispatch.h), and the loop over rows around the
// microkernels.
#include "kernels/eltwise/layernorm.h"

#include <algorithm>

#include "kernels/eltwise/eltwise_ref.h"
#include "kernels/eltwise/parallel.h"
#include "kernels/x86/layernorm/layernorm_ukernels.h"

namespace edgerun::kernels {

namespace {

using LayerNormUkernel = void (*)(int64_t n, const float* x, const float* scale, const float* bias, float epsilon,
                                  float* y, float* mean, float* inv_std_dev);

template <LayerNormUkernel kUkernel>
void run_layernorm(const LayerNormShape& shape, const float* x, const float* scale, const float* bias, float epsilon,
                   float* y, float* mean, float* inv_std_dev) {
  const int64_t n = shape.n;
  // Threads take at least 16384 elements (three passes over each, all in L1).
  parallel_ranges(shape.rows, std::max<int64_t>(1, 16384 / std::max<int64_t>(n, 1)), 1,
                  [&](int64_t begin, int64_t end) {
                    for (int64_t r = begin; r < end; ++r) {
                      kUkernel(n, x + r * n, scale, bias, epsilon, y + r * n, mean ? mean + r : nullptr,
                               inv_std_dev ? inv_std_dev + r : nullptr);
                    }
                  });
}

}  // namespace

const std::vector<LayerNormF32Impl>& layernorm_f32_impls() {
  static const std::vector<LayerNormF32Impl> table = {
      {"f32_layernorm__avx512", Isa::kAvx512, Backend::kNative, nullptr, run_layernorm<f32_layernorm__avx512>},
      {"f32_layernorm__avx2", Isa::kAvx2, Backend::kNative, nullptr, run_layernorm<f32_layernorm__avx2>},
      {"f32_layernorm__ref", Isa::kRef, Backend::kNative, nullptr, layernorm_f32_ref},
  };
  return table;
}

}  // namespace edgerun::kernels
