// The INT8 sparse x dense product of the sparse QConv / QMatMul kernels: int32
//   C[r][j] = init[r] + sum over A's stored blocks (r, k) of A[r][k] * B[k][j]
// for int8 A (pruned weights) and uint8 B (activations, row-major: row k at b + k * ldb). The caller
// folds the activation zero point into init (bias - zero point x the row's weight sum) and applies
// its own output stage (requantization or float scale) to C.
//
// vpdpbusd multiplies 4 consecutive bytes of a lane: the stored blocks of a block row are taken 4 at
// a time, their 4 rows of B loaded and interleaved byte by byte into [column][4] lanes as the
// microkernel goes (8 unpacks a group), so the 4 may be any columns; a block row's last group is
// padded with weight 0. QuadSparseMatrix keeps the weights in that order: a group's block_rows rows
// of 4 bytes.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/cpu_features.h"
#include "kernels/sparse/block_sparse.h"

namespace edgerun::kernels {

struct QuadSparseMatrix {
  int64_t rows = 0, cols = 0, block_rows = 1;
  std::vector<int32_t> group_begin;  // [block row count + 1]: first group of each block row
  std::vector<int32_t> group_col;    // 4 columns per group (padding repeats a column, weight 0)
  std::vector<int8_t> values;        // per group: block_rows rows x 4 weights
  std::vector<int32_t> row_sum;      // [rows]: each row's weight sum (for the zero point)

  int64_t block_row_count() const { return (rows + block_rows - 1) / block_rows; }
};

QuadSparseMatrix pack_quad_sparse(const BlockSparseMatrix<int8_t>& a);

struct QSpmmParams {
  const QuadSparseMatrix* a = nullptr;
  int64_t block_row_begin = 0, block_row_end = 0;
  const uint8_t* b = nullptr;
  int64_t ldb = 0;
  int64_t n = 0;                   // columns, at most kQSpmmTile
  const int32_t* init = nullptr;   // [a->rows]
  // C's element (r, j) at c[(r - block_row_begin * block_rows) * ldc + j], or with transposed_c at
  // c[j * ldc + (r - block_row_begin * block_rows)] (the GEMM's [tokens, channels] output).
  int32_t* c = nullptr;
  int64_t ldc = 0;
  bool transposed_c = false;
};

using QSpmmUkernel = void (*)(const QSpmmParams& p);

constexpr int64_t kQSpmmTile = 64;  // columns per microkernel call

void qs8_spmm__ref(const QSpmmParams& p);
namespace x86 {
void qs8_spmm_1x64__avx512vnni(const QSpmmParams& p);
void qs8_spmm_2x64__avx512vnni(const QSpmmParams& p);
void qs8_spmm_4x64__avx512vnni(const QSpmmParams& p);
}  // namespace x86

// The microkernel for a block height on an ISA (avx512vnni, else the reference).
QSpmmUkernel choose_qs8_spmm(Isa isa, int64_t block_rows);

}  // namespace edgerun::kernels
