#include "kernels/qgemm/requantize.h"

#include <cmath>
#include <string>

namespace edgerun::kernels {

Result<FixedPointScale> quantize_multiplier(double scale) {
  if (!std::isfinite(scale) || scale <= 0 || scale >= 1073741824.0) {
    return invalid_argument("requantization scale " + std::to_string(scale) + " is not in (0, 2^30)");
  }
  int exponent = 0;
  const double q = std::frexp(scale, &exponent);  // scale = q * 2^exponent, q in [0.5, 1)
  int64_t multiplier = std::llround(q * 2147483648.0);
  if (multiplier == (int64_t{1} << 31)) {  // q rounded up to 1
    multiplier /= 2;
    ++exponent;
  }
  FixedPointScale s;
  s.shift = 31 - exponent;                         // >= 1 as scale < 2^30
  if (s.shift > 62) return FixedPointScale{0, 1};  // |acc * scale| < 2^31 * 2^-32: always rounds to 0
  s.multiplier = static_cast<int32_t>(multiplier);
  return s;
}

Result<Requantization> make_requantization(const float* scale, bool per_channel, int64_t n, uint8_t zero_point,
                                           uint8_t lo, uint8_t hi) {
  if (lo > hi) return invalid_argument("requantization clamp with min > max");
  Requantization q;
  q.zero_point = zero_point;
  q.lo = lo;
  q.hi = hi;
  for (int64_t j = 0; j < n; ++j) {
    ASSIGN_OR_RETURN(FixedPointScale s, quantize_multiplier(scale == nullptr ? 1.0 : scale[per_channel ? j : 0]));
    q.multiplier.push_back(s.multiplier);
    q.shift.push_back(s.shift);
  }
  return q;
}

void requantize_rows(const Requantization& q, int64_t j0, const int32_t* acc, int64_t ld_acc, int64_t rows,
                     int64_t cols, uint8_t* y, int64_t ldy) {
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j) {
      const FixedPointScale s{q.multiplier[static_cast<size_t>(j0 + j)], q.shift[static_cast<size_t>(j0 + j)]};
      y[i * ldy + j] = static_cast<uint8_t>(requantize(acc[i * ld_acc + j], s, q.zero_point, q.lo, q.hi));
    }
  }
}

}  // namespace edgerun::kernels
