#include "kernels/ref/quant/quantize.h"

#include <algorithm>

namespace edgerun::ref {

template <typename TX, typename TQ>
void quantize_linear(int64_t outer, int64_t n, int64_t inner, const TX* x, const float* scale, const TQ* zero_point,
                     TQ* y) {
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t a = 0; a < n; ++a) {
      const float s = scale[a];
      const int32_t zp = zero_point == nullptr ? 0 : static_cast<int32_t>(zero_point[a]);
      const int64_t base = (o * n + a) * inner;
      for (int64_t i = 0; i < inner; ++i) y[base + i] = saturate_round<TQ>(static_cast<float>(x[base + i]) / s, zp);
    }
  }
}

template <typename TQ>
void dequantize_linear(int64_t outer, int64_t n, int64_t inner, const TQ* x, const float* scale, const TQ* zero_point,
                       float* y) {
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t a = 0; a < n; ++a) {
      const float s = scale[a];
      const float zp = zero_point == nullptr ? 0.0f : static_cast<float>(zero_point[a]);
      const int64_t base = (o * n + a) * inner;
      for (int64_t i = 0; i < inner; ++i) y[base + i] = (static_cast<float>(x[base + i]) - zp) * s;
    }
  }
}

void dynamic_quantize_linear(int64_t count, const float* x, uint8_t* y, float* scale, uint8_t* zero_point) {
  float lo = 0.0f, hi = 0.0f;
  for (int64_t i = 0; i < count; ++i) {
    lo = std::min(lo, x[i]);
    hi = std::max(hi, x[i]);
  }
  const float s = (hi - lo) / 255.0f;
  // All zeros: any scale represents them; keep 0 so the output is all zero_point = 0 without 0 / 0.
  const uint8_t zp = s == 0.0f ? 0 : saturate_round<uint8_t>(0.0f - lo / s, 0);
  for (int64_t i = 0; i < count; ++i) y[i] = s == 0.0f ? zp : saturate_round<uint8_t>(x[i] / s, zp);
  *scale = s;
  *zero_point = zp;
}

template <typename TQ>
void requantize(const RequantizeParams& p, const int32_t* acc, TQ* y) {
  for (int64_t r = 0; r < p.rows; ++r) {
    const float rs = p.row_scale[p.row_scale_per_row ? r : 0];
    const int32_t bias = p.row_bias == nullptr ? 0 : p.row_bias[r];
    for (int64_t c = 0; c < p.cols; ++c) {
      const float multiplier = rs * p.col_scale[p.col_scale_per_col ? c : 0] / p.out_scale;
      // Wrapping add, as the int32 accumulators of the reference implementations.
      const int32_t sum = static_cast<int32_t>(static_cast<uint32_t>(acc[r * p.cols + c]) + static_cast<uint32_t>(bias));
      y[r * p.cols + c] = saturate_round<TQ>(static_cast<float>(sum) * multiplier, p.zero_point);
    }
  }
}

template void quantize_linear<float, uint8_t>(int64_t, int64_t, int64_t, const float*, const float*, const uint8_t*,
                                              uint8_t*);
template void quantize_linear<float, int8_t>(int64_t, int64_t, int64_t, const float*, const float*, const int8_t*,
                                             int8_t*);
template void quantize_linear<int32_t, uint8_t>(int64_t, int64_t, int64_t, const int32_t*, const float*,
                                                const uint8_t*, uint8_t*);
template void quantize_linear<int32_t, int8_t>(int64_t, int64_t, int64_t, const int32_t*, const float*,
                                               const int8_t*, int8_t*);
template void dequantize_linear<uint8_t>(int64_t, int64_t, int64_t, const uint8_t*, const float*, const uint8_t*,
                                         float*);
template void dequantize_linear<int8_t>(int64_t, int64_t, int64_t, const int8_t*, const float*, const int8_t*,
                                        float*);
template void dequantize_linear<int32_t>(int64_t, int64_t, int64_t, const int32_t*, const float*, const int32_t*,
                                         float*);
template void requantize<uint8_t>(const RequantizeParams&, const int32_t*, uint8_t*);
template void requantize<int8_t>(const RequantizeParams&, const int32_t*, int8_t*);

}  // namespace edgerun::ref
