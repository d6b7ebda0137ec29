#include "kernels/ref/nn/softmax.h"

#include <cmath>

#include "kernels/ref/omp.h"

namespace edgerun::ref {

template <typename T>
void softmax(SoftmaxKind kind, int64_t outer, int64_t n, int64_t inner, const T* x, T* y) {
  if (n == 0) return;  // empty tensor
  EDGERUN_OMP(parallel for if (outer > 1))
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const T* in = x + o * n * inner + i;
      T* out = y + o * n * inner + i;
      int64_t arg = 0;  // first maximum
      for (int64_t k = 1; k < n; ++k) {
        if (in[k * inner] > in[arg * inner]) arg = k;
      }
      if (kind == SoftmaxKind::kHardmax) {
        for (int64_t k = 0; k < n; ++k) out[k * inner] = T(k == arg ? 1 : 0);
        continue;
      }
      const double max = static_cast<double>(in[arg * inner]);
      double sum = 0.0;
      for (int64_t k = 0; k < n; ++k) sum += std::exp(static_cast<double>(in[k * inner]) - max);
      const double log_sum = std::log(sum);
      for (int64_t k = 0; k < n; ++k) {
        const double shifted = static_cast<double>(in[k * inner]) - max;
        out[k * inner] = static_cast<T>(kind == SoftmaxKind::kSoftmax ? std::exp(shifted) / sum : shifted - log_sum);
      }
    }
  }
}

template void softmax<float>(SoftmaxKind, int64_t, int64_t, int64_t, const float*, float*);
template void softmax<double>(SoftmaxKind, int64_t, int64_t, int64_t, const double*, double*);

}  // namespace edgerun::ref
