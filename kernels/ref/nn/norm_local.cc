#include "kernels/ref/nn/norm_local.h"

#include <cmath>

#include "kernels/ref/broadcast.h"
#include "kernels/ref/omp.h"

namespace edgerun::ref {

template <typename T>
void lrn(const LrnParams& p, const T* x, T* y) {
  const int64_t before = (p.size - 1) / 2;
  const int64_t after = p.size - 1 - before;
  const double scale = p.alpha / static_cast<double>(p.size);
  EDGERUN_OMP(parallel for)
  for (int64_t n = 0; n < p.batch; ++n) {
    const T* xb = x + n * p.channels * p.plane;
    T* yb = y + n * p.channels * p.plane;
    for (int64_t c = 0; c < p.channels; ++c) {
      const int64_t lo = c - before < 0 ? 0 : c - before;
      const int64_t hi = c + after >= p.channels ? p.channels - 1 : c + after;
      for (int64_t i = 0; i < p.plane; ++i) {
        double square_sum = 0.0;
        for (int64_t k = lo; k <= hi; ++k) {
          const double v = static_cast<double>(xb[k * p.plane + i]);
          square_sum += v * v;
        }
        const double v = static_cast<double>(xb[c * p.plane + i]);
        yb[c * p.plane + i] = static_cast<T>(v / std::pow(p.bias + scale * square_sum, p.beta));
      }
    }
  }
}

template <typename T>
void mean_variance_norm(const std::vector<int64_t>& shape, const std::vector<bool>& reduced, const T* x, T* y) {
  std::vector<int64_t> stats_shape = shape;
  int64_t count = 1, stats_size = 1;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (reduced[d]) {
      count *= shape[d];
      stats_shape[d] = 1;
    }
    stats_size *= stats_shape[d];
  }
  if (count == 0) return;
  const std::vector<int64_t> strides[1] = {broadcast_strides(stats_shape, shape)};
  std::vector<double> mean(static_cast<size_t>(stats_size), 0.0), var(static_cast<size_t>(stats_size), 0.0);
  for_each_broadcast(shape, strides, [&](int64_t i, const int64_t* s) {
    mean[static_cast<size_t>(s[0])] += static_cast<double>(x[i]);
  });
  for (double& m : mean) m /= static_cast<double>(count);
  for_each_broadcast(shape, strides, [&](int64_t i, const int64_t* s) {
    const double d = static_cast<double>(x[i]) - mean[static_cast<size_t>(s[0])];
    var[static_cast<size_t>(s[0])] += d * d;
  });
  for (double& v : var) v = std::sqrt(v / static_cast<double>(count)) + 1e-9;
  for_each_broadcast(shape, strides, [&](int64_t i, const int64_t* s) {
    const size_t k = static_cast<size_t>(s[0]);
    y[i] = static_cast<T>((static_cast<double>(x[i]) - mean[k]) / var[k]);
  });
}

template <typename T>
void lp_normalize(int64_t outer, int64_t n, int64_t inner, int p, const T* x, T* y) {
  EDGERUN_OMP(parallel for)
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const T* xv = x + o * n * inner + i;
      T* yv = y + o * n * inner + i;
      double norm = 0.0;
      for (int64_t k = 0; k < n; ++k) {
        const double v = static_cast<double>(xv[k * inner]);
        norm += p == 1 ? std::fabs(v) : v * v;
      }
      if (p != 1) norm = std::sqrt(norm);
      for (int64_t k = 0; k < n; ++k) {
        yv[k * inner] = norm == 0.0 ? T(0) : static_cast<T>(static_cast<double>(xv[k * inner]) / norm);
      }
    }
  }
}

#define EDGERUN_NORM_LOCAL_INSTANTIATE(T)                                                               \
  template void lrn<T>(const LrnParams&, const T*, T*);                                                 \
  template void mean_variance_norm<T>(const std::vector<int64_t>&, const std::vector<bool>&, const T*, T*); \
  template void lp_normalize<T>(int64_t, int64_t, int64_t, int, const T*, T*);
EDGERUN_NORM_LOCAL_INSTANTIATE(float)
EDGERUN_NORM_LOCAL_INSTANTIATE(double)
#undef EDGERUN_NORM_LOCAL_INSTANTIATE

}  // namespace edgerun::ref
