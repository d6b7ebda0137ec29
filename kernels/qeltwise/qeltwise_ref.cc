#include "kernels/qeltwise/qeltwise_ref.h"

#include "kernels/ref/quant/quantize.h"

namespace edgerun::kernels {

void qu8_quantize_ref(int64_t n, const float* x, float scale, int32_t zero_point, uint8_t* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = ref::saturate_round<uint8_t>(x[i] / scale, zero_point);
}

void qu8_dequantize_ref(int64_t n, const uint8_t* x, float scale, int32_t zero_point, float* y) {
  const float zp = static_cast<float>(zero_point);
  for (int64_t i = 0; i < n; ++i) y[i] = (static_cast<float>(x[i]) - zp) * scale;
}

void qu8_vadd_ref(int64_t n, const uint8_t* a, const uint8_t* b, int32_t b_term, const QAddQuantization& q,
                  uint8_t* y) {
  for (int64_t i = 0; i < n; ++i) {
    const int32_t acc =
        (a[i] - q.a_zero_point) * q.a_multiplier + (b != nullptr ? (b[i] - q.b_zero_point) * q.b_multiplier : b_term);
    // Floor division by 2^shift of acc + half (- 1 when negative): ties away from zero.
    const int32_t r = (acc + (1 << (q.shift - 1)) - (acc < 0 ? 1 : 0)) >> q.shift;
    const int32_t v = r + q.y_zero_point;
    y[i] = static_cast<uint8_t>(v < q.lo ? q.lo : v > q.hi ? q.hi : v);
  }
}

void qu8_plane_sums_ref(int64_t planes, int64_t plane, const uint8_t* x, int32_t* sums) {
  for (int64_t p = 0; p < planes; ++p) {
    int32_t sum = 0;
    for (int64_t i = 0; i < plane; ++i) sum += x[p * plane + i];
    sums[p] = sum;
  }
}

}  // namespace edgerun::kernels
