// Reference LRN, MeanVarianceNormalization and LpNormalization. Statistics are computed in double.
#pragma once

#include <cstdint>
#include <vector>

namespace edgerun::ref {

// x is [batch, channels, plane]. y = x / (bias + alpha / size * square_sum)^beta, where square_sum
// sums x^2 over channels [c - floor((size - 1) / 2), c + ceil((size - 1) / 2)] inside [0, channels).
struct LrnParams {
  int64_t batch = 0, channels = 0, plane = 0;
  int64_t size = 1;
  double alpha = 1e-4, beta = 0.75, bias = 1.0;
};
template <typename T>
void lrn(const LrnParams& p, const T* x, T* y);

// y = (x - mean) / (sqrt(variance) + 1e-9), mean and (population) variance over the `reduced` dims of
// `shape`, as ONNX's MeanVarianceNormalization function body.
template <typename T>
void mean_variance_norm(const std::vector<int64_t>& shape, const std::vector<bool>& reduced, const T* x, T* y);

// x viewed as [outer, n, inner]: every vector along n is divided by its L1 (p = 1) or L2 (p = 2) norm;
// an all-zero vector stays zero.
template <typename T>
void lp_normalize(int64_t outer, int64_t n, int64_t inner, int p, const T* x, T* y);

}  // namespace edgerun::ref
