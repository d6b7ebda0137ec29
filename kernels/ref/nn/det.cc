#include "kernels/ref/nn/det.h"

#include <cmath>
#include <utility>
#include <vector>

namespace edgerun::ref {

template <typename T>
void det(int64_t batch, int64_t n, const T* x, T* y) {
  std::vector<double> a(static_cast<size_t>(n * n));
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t i = 0; i < n * n; ++i) a[static_cast<size_t>(i)] = static_cast<double>(x[b * n * n + i]);
    double d = 1.0;
    for (int64_t c = 0; c < n && d != 0.0; ++c) {
      int64_t pivot = c;
      for (int64_t r = c + 1; r < n; ++r) {
        if (std::fabs(a[static_cast<size_t>(r * n + c)]) > std::fabs(a[static_cast<size_t>(pivot * n + c)])) pivot = r;
      }
      if (pivot != c) {
        for (int64_t k = 0; k < n; ++k) std::swap(a[static_cast<size_t>(c * n + k)], a[static_cast<size_t>(pivot * n + k)]);
        d = -d;
      }
      const double diag = a[static_cast<size_t>(c * n + c)];
      d *= diag;
      if (diag == 0.0) break;
      for (int64_t r = c + 1; r < n; ++r) {
        const double f = a[static_cast<size_t>(r * n + c)] / diag;
        for (int64_t k = c; k < n; ++k) a[static_cast<size_t>(r * n + k)] -= f * a[static_cast<size_t>(c * n + k)];
      }
    }
    y[b] = static_cast<T>(d);
  }
}

template void det<float>(int64_t, int64_t, const float*, float*);
template void det<double>(int64_t, int64_t, const double*, double*);

}  // namespace edgerun::ref
