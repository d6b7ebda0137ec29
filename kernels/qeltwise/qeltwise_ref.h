// The scalar loops of the uint8 element-wise families, with the microkernels' signatures
// (kernels/x86/qeltwise/qeltwise_ukernels.h): the reference entries run them through the same threaded
// wrappers as the vector entries, and they are the tests' oracle.
#pragma once

#include <cstdint>

#include "kernels/qeltwise/qadd.h"

namespace edgerun::kernels {

// kernels/ref/quant/quantize.h's saturate_round and dequantize, element by element.
void qu8_quantize_ref(int64_t n, const float* x, float scale, int32_t zero_point, uint8_t* y);
void qu8_dequantize_ref(int64_t n, const uint8_t* x, float scale, int32_t zero_point, float* y);
// qadd.h's integer formula.
void qu8_vadd_ref(int64_t n, const uint8_t* a, const uint8_t* b, int32_t b_term, const QAddQuantization& q, uint8_t* y);
void qu8_plane_sums_ref(int64_t planes, int64_t plane, const uint8_t* x, int32_t* sums);

}  // namespace edgerun::kernels
