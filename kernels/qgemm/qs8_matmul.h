// The native entries of the quantized batched matmul family, on the u8 x s8 GEMM tiles
// (kernels/qgemm/qs8_gemm.h). B (and A for the widened tiles; VNNI reads A in place) is packed at run
// time into caller scratch, every batch item at once (threads share the packing; VNNI through the
// AVX-512 packing microkernels of kernels/x86/qgemm/qs8_pack.h), then the tiles of all items are
// spread over the threads.
//   VNNI (uint8 x int8): a uint8 B is shifted to int8 (b - 128, its zero point with it); with
//     b' = b - b_zp the sum splits into sum a * b - a_zp * colsum(b) - b_zp * rowsum(a) + k * a_zp * b_zp,
//     the column terms in the tile's start values, the row term in its row starts (wrapping int32, so
//     exact whenever the result fits, as the reference).
//   AVX2 (widened): both zero points subtracted at pack time into int16 (|a - a_zp|, |b - b_zp| <= 255);
//     vpmaddwd adds pairs of products exactly.
// One thread, BERT-base attention (12 heads, 128 tokens, uint8 out, best of 12 runs): Q.K^T (K read
// transposed) ~365 GOP/s, P.V ~495, oneDNN's int8 matmul ~590 / ~715: at k = 64 the exact fixed-point
// requantization and the run-time packing cost about as much as the products.
#pragma once

#include "kernels/qgemm/qmatmul.h"

namespace edgerun::kernels {

template <Isa kIsa>
Result<std::unique_ptr<QMatMul>> create_qmatmul_packed(const QMatMulShape& shape, uint8_t a_zero_point,
                                                       int32_t b_zero_point, const QuantOutput& out);

}  // namespace edgerun::kernels
