// Reference affine quantization with ONNX semantics: q = saturate(round_half_even(x / scale) + zero_point),
// x = (q - zero_point) * scale.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace edgerun::ref {

// round_half_even(v) + zero_point, saturated to TQ's range (NaN goes to the lowest value).
template <typename TQ>
inline TQ saturate_round(float v, int32_t zero_point) {
  const float q = std::nearbyint(v) + static_cast<float>(zero_point);
  constexpr float lo = static_cast<float>(std::numeric_limits<TQ>::lowest());
  constexpr float hi = static_cast<float>(std::numeric_limits<TQ>::max());
  if (!(q >= lo)) return std::numeric_limits<TQ>::lowest();
  if (q > hi) return std::numeric_limits<TQ>::max();
  return static_cast<TQ>(q);
}

// Tensors are viewed as [outer, n, inner] with one scale / zero point per index along n (per-axis),
// or n = 1 for per-tensor. zero_point may be null (0).
template <typename TX, typename TQ>
void quantize_linear(int64_t outer, int64_t n, int64_t inner, const TX* x, const float* scale, const TQ* zero_point,
                     TQ* y);
template <typename TQ>
void dequantize_linear(int64_t outer, int64_t n, int64_t inner, const TQ* x, const float* scale, const TQ* zero_point,
                       float* y);

// DynamicQuantizeLinear: u8 with scale and zero point chosen so [min(x, 0), max(x, 0)] maps onto [0, 255].
void dynamic_quantize_linear(int64_t count, const float* x, uint8_t* y, float* scale, uint8_t* zero_point);

// y[r][c] = saturate_round((acc[r][c] + row_bias[r]) * multiplier, zero_point) with
// multiplier = row_scale[r or 0] * col_scale[c or 0] / out_scale (in float, as ONNX Runtime does).
struct RequantizeParams {
  int64_t rows = 0, cols = 0;
  const float* row_scale = nullptr;  // rows values when row_scale_per_row, else 1
  bool row_scale_per_row = false;
  const float* col_scale = nullptr;  // cols values when col_scale_per_col, else 1
  bool col_scale_per_col = false;
  const int32_t* row_bias = nullptr;  // rows values, or null
  float out_scale = 1.0f;
  int32_t zero_point = 0;
};
template <typename TQ>
void requantize(const RequantizeParams& p, const int32_t* acc, TQ* y);

}  // namespace edgerun::ref
