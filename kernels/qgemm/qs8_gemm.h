// The native entries of the u8 x s8 GEMM family: the weights packed once into panels of the tile's
// NR columns in k-groups (kernels/x86/qgemm), the activation zero point folded into a per-column start
// value (bias[j] - a_zp * sum_k b[k][j]), then a loop over the tiles of C, threaded with OpenMP, each
// tile stored through the ISA's output stage (kernels/qgemm/quant_store.h).
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
  bool widened;                    // operands widened to int16 at pack time (AVX2's vpmaddwd); else uint8 x int8
  x86::QOutputUkernels output;     // of the same ISA
};

// The tiles of `isa` (avx2 or avx512vnni; none for others), fastest first. One thread, uint8 out, best
// of 12 interleaved runs beside oneDNN's int8 matmul: 8x32c4 at M=128 N=768 K=768 825 GOP/s (oneDNN
// 880), N=3072 K=768 832 (868), N=768 K=3072 899 (902); 4x64c4 within 2%; 8x48c4, 12x32c4 no better.
// Reading A in place instead of packing it was the step from ~660. The 1-row tiles serve the small m
// of classifier heads.
const std::vector<QGemmTile>& qgemm_tiles(Isa isa);

// The tile of `isa` for m rows: the fewest (rows computed + a pass over B counted as 4 rows), fastest
// on ties, so m = 1 takes a 1-row tile and large m the fastest one.
const QGemmTile& choose_qgemm_tile(Isa isa, int64_t m);

// The packed GEMM on `tile` (its ISA must be usable).
Result<std::unique_ptr<QGemmU8S8>> create_qgemm_u8s8_tile(const QGemmShape& shape, const QGemmTile& tile,
                                                          const int8_t* b, uint8_t a_zero_point,
                                                          const QuantOutput& out);

// The entry of `isa`: choose_qgemm_tile's tile.
template <Isa kIsa>
Result<std::unique_ptr<QGemmU8S8>> create_qgemm_u8s8_packed(const QGemmShape& shape, const int8_t* b,
                                                            uint8_t a_zero_point, const QuantOutput& out);

}  // namespace edgerun::kernels
