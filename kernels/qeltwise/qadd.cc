// The QLinearAdd table, best first (see kernels/dispatch.h), the integer form of the scales, and the
// threaded loop around the microkernels.
#include "kernels/qeltwise/qadd.h"

#include <algorithm>
#include <cmath>

#include "kernels/eltwise/parallel.h"
#include "kernels/qeltwise/qeltwise_ref.h"
#include "kernels/x86/qeltwise/qeltwise_ukernels.h"

namespace edgerun::kernels {

namespace {

using VaddUkernel = void (*)(int64_t n, const uint8_t* a, const uint8_t* b, int32_t b_term, const QAddQuantization& q,
                             uint8_t* y);

constexpr int64_t kGrain = 32768;

template <VaddUkernel kUkernel>
void run_qadd(const QAddShape& shape, const QAddQuantization& q, const uint8_t* a, const uint8_t* b, uint8_t* y) {
  const auto term = [&](int64_t c) { return (b[c] - q.b_zero_point) * q.b_multiplier; };
  if (shape.b != QAddBroadcast::kPerChannel) {
    const bool full = shape.b == QAddBroadcast::kNone;
    const int32_t b_term = full ? 0 : term(0);
    parallel_ranges(shape.size(), kGrain, 64, [&](int64_t begin, int64_t end) {
      kUkernel(end - begin, a + begin, full ? b + begin : nullptr, b_term, q, y + begin);
    });
    return;
  }
  // One run of `inner` per (outer, channel) row, its b value a constant term.
  const int64_t rows = shape.outer * shape.channels;
  parallel_ranges(rows, std::max<int64_t>(1, kGrain / std::max<int64_t>(shape.inner, 1)), 1,
                  [&](int64_t begin, int64_t end) {
                    for (int64_t r = begin; r < end; ++r) {
                      const int64_t at = r * shape.inner;
                      kUkernel(shape.inner, a + at, nullptr, term(r % shape.channels), q, y + at);
                    }
                  });
}

}  // namespace

Result<QAddQuantization> make_qadd_quantization(const QAddParams& p) {
  for (const float s : {p.a_scale, p.b_scale, p.y_scale}) {
    if (!std::isfinite(s) || s <= 0) return invalid_argument("QLinearAdd: scales must be finite and positive");
  }
  if (p.lo > p.hi) return invalid_argument("QLinearAdd: clamp with min > max");
  const double ra = static_cast<double>(p.a_scale) / p.y_scale, rb = static_cast<double>(p.b_scale) / p.y_scale;
  const double big = std::max(ra, rb);
  if (!(big < 1048576.0)) return invalid_argument("QLinearAdd: input / output scale ratio of 2^20 or more");
  int exponent = 0;
  std::frexp(big, &exponent);  // big = f * 2^exponent, f in [0.5, 1)
  QAddQuantization q;
  // big * 2^shift in [2^20, 2^21); ratios below 2^-10 give terms under 1/4 that round to 0 anyway.
  q.shift = std::min(21 - exponent, 31);
  q.a_multiplier = static_cast<int32_t>(std::llround(std::ldexp(ra, q.shift)));
  q.b_multiplier = static_cast<int32_t>(std::llround(std::ldexp(rb, q.shift)));
  q.a_zero_point = p.a_zero_point;
  q.b_zero_point = p.b_zero_point;
  q.y_zero_point = p.y_zero_point;
  q.lo = p.lo;
  q.hi = p.hi;
  return q;
}

const std::vector<QAddU8Impl>& qadd_u8_impls() {
  static const std::vector<QAddU8Impl> table = {
      {"qu8_vadd__avx512", Isa::kAvx512, Backend::kNative, nullptr, run_qadd<x86::qu8_vadd__avx512>},
      {"qu8_vadd__avx2", Isa::kAvx2, Backend::kNative, nullptr, run_qadd<x86::qu8_vadd__avx2>},
      {"qu8_vadd__ref", Isa::kRef, Backend::kNative, nullptr, run_qadd<qu8_vadd_ref>},
  };
  return table;
}

}  // namespace edgerun::kernels
