// Reference LpPool, GlobalLpPool and MaxUnpool over NC<spatial> tensors.
#pragma once

#include <cstdint>

#include "kernels/ref/nn/pool.h"

namespace edgerun::ref {

// y[c][o] = (sum over the window's taps inside the image of |x|^p)^(1/p); padding taps add nothing.
template <typename T>
void lp_pool(const PoolParams& params, double p, const T* x, T* y);

// One value per plane of `plane` elements: (sum |x|^p)^(1/p).
template <typename T>
void global_lp_pool(int64_t channels, int64_t plane, double p, const T* x, T* y);

// y (y_size elements) is zeroed, then y[indices[i]] = x[i] for i < n. Returns false (y unspecified)
// when an index is outside [0, y_size).
template <typename T>
bool max_unpool(int64_t n, const T* x, const int64_t* indices, int64_t y_size, T* y);

}  // namespace edgerun::ref
