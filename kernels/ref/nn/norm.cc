#include "kernels/ref/nn/norm.h"

#include <cmath>

#include "kernels/ref/omp.h"

namespace edgerun::ref {

namespace {
// Mean and population variance of n values, two-pass.
template <typename T>
void moments(const T* x, int64_t n, double* mean, double* var) {
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(x[i]);
  const double m = n > 0 ? sum / static_cast<double>(n) : 0.0;
  double sq = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(x[i]) - m;
    sq += d * d;
  }
  *mean = m;
  *var = n > 0 ? sq / static_cast<double>(n) : 0.0;
}

// y[i] = (x[i] - mean) * factor + shift
template <typename T>
void affine(const T* x, int64_t n, double mean, double factor, double shift, T* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>((static_cast<double>(x[i]) - mean) * factor + shift);
}
}  // namespace

template <typename T>
void batch_norm(int64_t batch, int64_t channels, int64_t plane, const T* x, const T* scale, const T* bias,
                const T* mean, const T* var, double epsilon, T* y) {
  EDGERUN_OMP(parallel for collapse(2) if (batch * channels > 1))
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t c = 0; c < channels; ++c) {
      const double factor = static_cast<double>(scale[c]) / std::sqrt(static_cast<double>(var[c]) + epsilon);
      const int64_t off = (n * channels + c) * plane;
      affine(x + off, plane, static_cast<double>(mean[c]), factor, static_cast<double>(bias[c]), y + off);
    }
  }
}

template <typename T>
void instance_norm(int64_t batch, int64_t channels, int64_t plane, const T* x, const T* scale, const T* bias,
                   double epsilon, T* y) {
  EDGERUN_OMP(parallel for collapse(2) if (batch * channels > 1))
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t off = (n * channels + c) * plane;
      double m = 0.0, v = 0.0;
      moments(x + off, plane, &m, &v);
      affine(x + off, plane, m, static_cast<double>(scale[c]) / std::sqrt(v + epsilon), static_cast<double>(bias[c]),
             y + off);
    }
  }
}

template <typename T, typename U>
void layer_norm(int64_t rows, int64_t cols, const T* x, const T* scale, const T* bias, double epsilon, T* y,
                U* mean, U* inv_std_dev) {
  EDGERUN_OMP(parallel for if (rows > 1))
  for (int64_t r = 0; r < rows; ++r) {
    const T* in = x + r * cols;
    T* out = y + r * cols;
    double m = 0.0, v = 0.0;
    moments(in, cols, &m, &v);
    const double inv = 1.0 / std::sqrt(v + epsilon);
    for (int64_t i = 0; i < cols; ++i) {
      const double shift = bias == nullptr ? 0.0 : static_cast<double>(bias[i]);
      out[i] = static_cast<T>((static_cast<double>(in[i]) - m) * inv * static_cast<double>(scale[i]) + shift);
    }
    if (mean != nullptr) mean[r] = static_cast<U>(m);
    if (inv_std_dev != nullptr) inv_std_dev[r] = static_cast<U>(inv);
  }
}

template void batch_norm<float>(int64_t, int64_t, int64_t, const float*, const float*, const float*, const float*,
                                const float*, double, float*);
template void batch_norm<double>(int64_t, int64_t, int64_t, const double*, const double*, const double*,
                                 const double*, const double*, double, double*);
template void instance_norm<float>(int64_t, int64_t, int64_t, const float*, const float*, const float*, double,
                                   float*);
template void instance_norm<double>(int64_t, int64_t, int64_t, const double*, const double*, const double*, double,
                                    double*);
template void layer_norm<float, float>(int64_t, int64_t, const float*, const float*, const float*, double, float*,
                                       float*, float*);
template void layer_norm<double, float>(int64_t, int64_t, const double*, const double*, const double*, double,
                                        double*, float*, float*);

}  // namespace edgerun::ref
