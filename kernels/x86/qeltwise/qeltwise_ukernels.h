// uint8 element-wise microkernels (kernels/qeltwise): contiguous runs, any length (tails through masks
// or buffers, never past n). Declared here without intrinsics; qeltwise__<isa>.cc define them.
#pragma once

#include <cstdint>

#include "kernels/qeltwise/qadd.h"

namespace edgerun::kernels::x86 {

// y[i] = saturate(round_half_even(x[i] / scale) + zero_point), NaN -> 0 (kernels/ref/quant/quantize.h).
void qu8_quantize__avx512(int64_t n, const float* x, float scale, int32_t zero_point, uint8_t* y);
void qu8_quantize__avx2(int64_t n, const float* x, float scale, int32_t zero_point, uint8_t* y);

// y[i] = (float(x[i]) - float(zero_point)) * scale.
void qu8_dequantize__avx512(int64_t n, const uint8_t* x, float scale, int32_t zero_point, float* y);
void qu8_dequantize__avx2(int64_t n, const uint8_t* x, float scale, int32_t zero_point, float* y);

// kernels/qeltwise/qadd.h's formula for y[i], a[i] and b[i]; with b null, (b - zb) * Mb is b_term.
void qu8_vadd__avx512(int64_t n, const uint8_t* a, const uint8_t* b, int32_t b_term, const QAddQuantization& q,
                      uint8_t* y);
void qu8_vadd__avx2(int64_t n, const uint8_t* a, const uint8_t* b, int32_t b_term, const QAddQuantization& q,
                    uint8_t* y);

// sums[p] = sum of x[p * plane + i] for i < plane, p < planes (plane < 2^23: exact in int32).
void qu8_plane_sums__avx512(int64_t planes, int64_t plane, const uint8_t* x, int32_t* sums);
void qu8_plane_sums__avx2(int64_t planes, int64_t plane, const uint8_t* x, int32_t* sums);

}  // namespace edgerun::kernels::x86
