// Fixed-point requantization of int32 accumulators to uint8 (as gemmlowp / TFLite, but with one
// rounding): a real scale becomes multiplier * 2^-shift with multiplier in [2^30, 2^31) and
// 1 <= shift <= 62; then r = round(acc * multiplier / 2^shift), computed exactly in int64 and rounded
// half away from zero (ONNX Runtime's float path rounds half to even; the two differ only on exact
// ties of acc * scale). Every kernel of the family and its reference use exactly these functions, so
// their outputs agree bit for bit.
#pragma once

#include <cstdint>
#include <vector>

#include "graph/status.h"

namespace edgerun::kernels {

struct FixedPointScale {
  int32_t multiplier = 0;
  int32_t shift = 1;
};

// Errors: scale not finite, <= 0 or >= 2^30. Scales below 2^-32 map every int32 to 0 (multiplier 0).
Result<FixedPointScale> quantize_multiplier(double scale);

inline int32_t requantize(int32_t acc, FixedPointScale s, int32_t zero_point, int32_t lo, int32_t hi) {
  const int64_t p = static_cast<int64_t>(acc) * s.multiplier;
  // Floor division by 2^shift of p + half (- 1 when negative): ties go away from zero.
  const int64_t r = (p + (int64_t{1} << (s.shift - 1)) - (p < 0 ? 1 : 0)) >> s.shift;
  const int64_t y = r + zero_point;
  return static_cast<int32_t>(y < lo ? lo : y > hi ? hi : y);
}

// The requantization of every column of an n-column GEMM.
struct Requantization {
  std::vector<int32_t> multiplier, shift;  // [n] each: column j's FixedPointScale
  int32_t zero_point = 0, lo = 0, hi = 255;
};

// scale: n values when per_channel, else one (copied to every column); null: 1.
Result<Requantization> make_requantization(const float* scale, bool per_channel, int64_t n, uint8_t zero_point,
                                           uint8_t lo, uint8_t hi);

// y[i * ldy + j] = requantize(acc[i * ld_acc + j], column j0 + j) for i < rows, j < cols.
void requantize_rows(const Requantization& q, int64_t j0, const int32_t* acc, int64_t ld_acc, int64_t rows,
                     int64_t cols, uint8_t* y, int64_t ldy);

}  // namespace edgerun::kernels
