// Sparse x dense matrix products, the inner loop of the sparse conv and dense kernels:
//   C[r][j] = clamp(row_bias[r] + residual[r][j] + sum over A's stored blocks (r, k) of A[r][k] * B[k][j])
// for the rows of block rows [block_row_begin, block_row_end) of a BlockSparseMatrix and columns
// j < n. A microkernel call adds one k block of A's columns (block_sparse.h): the first starts from
// the bias and residual (so a residual aliasing C is read before C is written), later ones add to C,
// the last clamps; spmm() runs them all, tile by tile.
// B is dense, its rows contiguous (an NCHW activation's channel planes, an im2col block, or a conv's
// taps in its padded input), so each stored block costs one broadcast per row and one vector load of
// B per column vector, shared by the block's rows (XNNPACK's f32_spmm does the same on NCHW
// activations). Microkernels are named f32_spmm_<block rows>x<columns per tile>__<isa>; every variant
// does the same multiply-adds in the same order as the reference.
#pragma once

#include <cstdint>

#include "kernels/cpu_features.h"
#include "kernels/sparse/block_sparse.h"

namespace edgerun::kernels {

struct SpmmParams {
  const BlockSparseMatrix<float>* a = nullptr;
  int64_t block_row_begin = 0, block_row_end = 0;
  const float* b = nullptr;
  int64_t ldb = 0;
  // Null: B's row k at b + k * ldb. Else at b + b_rows[k] (a conv's taps read in place from its padded
  // input).
  const int64_t* b_rows = nullptr;
  int64_t n = 0;  // columns of B and C computed
  // Element (r, j) of C (r an absolute row of A) at c[r * ldc + j]; with transposed_c at c[j * ldc + r].
  float* c = nullptr;
  int64_t ldc = 0;
  // C stored transposed (the dense layers' [tokens, features] output); only with a single k block.
  bool transposed_c = false;
  const float* row_bias = nullptr;  // [a->rows] or null
  const float* residual = nullptr;  // laid out like c (ld_residual) or null; may alias c
  int64_t ld_residual = 0;
  float min = 0, max = 0;
  int64_t k_block = 0;  // the k block of A's columns this call adds
};

using SpmmUkernel = void (*)(const SpmmParams& p);

// Columns per tile of spmm(): one AVX-512 microkernel tile.
constexpr int64_t kSpmmTile = 64;
// Columns of A per k block for the kernels' matrices: B's slice of a tile is then 32 KiB, in L1
// (48 KiB on Zen 4 / 5) with room for A's stream.
constexpr int64_t kSpmmKBlock = 128;

// The whole product for columns [0, p.n) (p.k_block ignored): tiles of kSpmmTile columns, each
// through every k block in turn, so the tile's slice of B (k_block x kSpmmTile floats) stays in L1
// while every block row passes over it.
void spmm(SpmmUkernel ukernel, const SpmmParams& p);

void f32_spmm__ref(const SpmmParams& p);
namespace x86 {
void f32_spmm_1x64__avx512(const SpmmParams& p);
void f32_spmm_2x64__avx512(const SpmmParams& p);
void f32_spmm_4x64__avx512(const SpmmParams& p);
void f32_spmm_1x32__avx2(const SpmmParams& p);
void f32_spmm_2x32__avx2(const SpmmParams& p);
void f32_spmm_4x16__avx2(const SpmmParams& p);
}  // namespace x86

// The microkernel for a matrix's block height on an ISA (avx512, avx2, or anything else: the reference).
SpmmUkernel choose_spmm(Isa isa, int64_t block_rows);

}  // namespace edgerun::kernels
