#include "kernels/ref/nn/pool_lp.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/ref/omp.h"

namespace edgerun::ref {

namespace {
double lp_term(double v, double p) { return p == 2.0 ? v * v : std::pow(std::fabs(v), p); }
double lp_root(double sum, double p) { return p == 2.0 ? std::sqrt(sum) : std::pow(sum, 1.0 / p); }
}  // namespace

template <typename T>
void lp_pool(const PoolParams& params, double p, const T* x, T* y) {
  const PatchWalker walker(params.patch);
  const int64_t in_plane = params.patch.image_size();
  const int64_t out_plane = params.patch.grid_size();
  EDGERUN_OMP(parallel for)
  for (int64_t c = 0; c < params.channels; ++c) {
    const T* in = x + c * in_plane;
    std::vector<double> sum(static_cast<size_t>(out_plane), 0.0);
    walker.walk([&](int64_t, int64_t o, int64_t offset) {
      if (offset >= 0) sum[static_cast<size_t>(o)] += lp_term(static_cast<double>(in[offset]), p);
    });
    for (int64_t o = 0; o < out_plane; ++o) y[c * out_plane + o] = static_cast<T>(lp_root(sum[static_cast<size_t>(o)], p));
  }
}

template <typename T>
void global_lp_pool(int64_t channels, int64_t plane, double p, const T* x, T* y) {
  for (int64_t c = 0; c < channels; ++c) {
    double sum = 0.0;
    for (int64_t i = 0; i < plane; ++i) sum += lp_term(static_cast<double>(x[c * plane + i]), p);
    y[c] = static_cast<T>(lp_root(sum, p));
  }
}

template <typename T>
bool max_unpool(int64_t n, const T* x, const int64_t* indices, int64_t y_size, T* y) {
  std::fill_n(y, y_size, T(0));
  for (int64_t i = 0; i < n; ++i) {
    if (indices[i] < 0 || indices[i] >= y_size) return false;
    y[indices[i]] = x[i];
  }
  return true;
}

#define EDGERUN_POOL_LP_INSTANTIATE(T)                                            \
  template void lp_pool<T>(const PoolParams&, double, const T*, T*);              \
  template void global_lp_pool<T>(int64_t, int64_t, double, const T*, T*);        \
  template bool max_unpool<T>(int64_t, const T*, const int64_t*, int64_t, T*);
EDGERUN_POOL_LP_INSTANTIATE(float)
EDGERUN_POOL_LP_INSTANTIATE(double)
#undef EDGERUN_POOL_LP_INSTANTIATE

}  // namespace edgerun::ref
