// Reference normalizations. Statistics are computed in double.
#pragma once

#include <cstdint>

namespace edgerun::ref {

// x is [batch, channels, plane]; scale, bias, mean and var are [channels] (inference mode).
// y = (x - mean) / sqrt(var + epsilon) * scale + bias
template <typename T>
void batch_norm(int64_t batch, int64_t channels, int64_t plane, const T* x, const T* scale, const T* bias,
                const T* mean, const T* var, double epsilon, T* y);

// x is [batch, channels, plane]; every (batch, channel) plane is normalized by its own mean and
// variance, then scaled and shifted per channel.
template <typename T>
void instance_norm(int64_t batch, int64_t channels, int64_t plane, const T* x, const T* scale, const T* bias,
                   double epsilon, T* y);

// x is [rows, cols]; every row is normalized, then scaled by scale[cols] and shifted by bias[cols]
// (bias may be null). mean and inv_std_dev ([rows], either may be null) receive the statistics.
template <typename T, typename U>
void layer_norm(int64_t rows, int64_t cols, const T* x, const T* scale, const T* bias, double epsilon, T* y,
                U* mean, U* inv_std_dev);

}  // namespace edgerun::ref
