// The native entries of the u8 x s8 GEMM family: the weights packed once into panels of the tile's
// NR columns in k-groups (kernels/x86/qgemm), the activation zero point folded into a per-column start
// value (bias[j] - a_zp * sum_k b[k][j]), then a loop over the tiles of C, threaded with OpenMP.
// Baseline code: it calls the ISA's microkernels through the pointers of a QGemmTile only.
#pragma once

#include <vector>

#include "kernels/qgemm/qgemm.h"
#include "kernels/x86/qgemm/qs8_gemm.h"

namespace edgerun::kernels {

struct QGemmTile {
  const char* name;  // "8x32c4": MR x NR, k-groups of G
  x86::QGemmUkernel ukernel;
  int64_t mr, nr, group;
  bool widened;                     // operands widened to int16 at pack time (AVX2's vpmaddwd); else uint8 x int8
  x86::QRequantUkernel requantize;  // of the same ISA
};

// The tiles of `isa` (avx2 or avx512vnni; none for others), fastest first. One thread, M=128, N=768,
// K=768, uint8 out: 8x32c4 ~590 GOP/s, 4x64c4 ~575; 14x32, 6x64 and 7x64 measured slower (548-570).
const std::vector<QGemmTile>& qgemm_tiles(Isa isa);

// The packed GEMM on `tile` (its ISA must be usable).
Result<std::unique_ptr<QGemmU8S8>> create_qgemm_u8s8_tile(const QGemmShape& shape, const QGemmTile& tile,
                                                          const int8_t* b, const int32_t* bias,
                                                          const QGemmQuant& quant);

// The entry of `isa`: its fastest tile.
template <Isa kIsa>
Result<std::unique_ptr<QGemmU8S8>> create_qgemm_u8s8_packed(const QGemmShape& shape, const int8_t* b,
                                                            const int32_t* bias, const QGemmQuant& quant);

}  // namespace edgerun::kernels
