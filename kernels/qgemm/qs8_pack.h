// Run-time packing of A for the widened (c2, AVX2) GEMM tiles, shared by qgemm and qmatmul.
#pragma once

#include <cstdint>

namespace edgerun::kernels {

// `rows` (<= mr) rows of uint8 A, `stride` bytes apart, minus zero_point, widened to int16 and packed
// as [ceil(k / 2)][mr][2]: zero past k and for rows from `rows` to mr.
void pack_a_widened(const uint8_t* a, int64_t stride, int64_t rows, int64_t k, int64_t mr, int32_t zero_point,
                    int16_t* dst);

}  // namespace edgerun::kernels
