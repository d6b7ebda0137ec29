// The INT8 sparse x dense product of the sparse QConv / QMatMul kernels: int32
//   C[r][j] = init[r] + sum over A's stored blocks (r, k) of A[r][k] * B[k][j]
// for int8 A (pruned weights) and uint8 B (activations, row-major: row k at b + k * ldb). The caller
// folds the activation zero point into init (bias - zero point x the row's weight sum) and applies
// its own output stage (requantization or float scale) to C.
//
// The stored blocks of a block row are taken G at a time and their G rows of B interleaved column by
// column as the microkernel goes, so the G may be any columns: AVX-512 VNNI's vpdpbusd multiplies 4
// consecutive bytes of a lane (G = 4: 8 unpacks a group); AVX2's vpmaddwd 2 int16 (G = 2, B widened).
// A block row's last group is padded with weight 0. GroupSparseMatrix keeps the weights in that
// order: a group's block_rows rows of G weights.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/cpu_features.h"
#include "kernels/sparse/block_sparse.h"

namespace edgerun::kernels {

struct GroupSparseMatrix {
  int64_t rows = 0, cols = 0, block_rows = 1, group = 4;
  std::vector<int32_t> group_begin;  // [block row count + 1]: first group of each block row
  std::vector<int32_t> group_col;    // `group` columns per group (padding repeats a column, weight 0)
  std::vector<int8_t> values;        // per group: block_rows rows x `group` weights
  std::vector<int32_t> row_sum;      // [rows]: each row's weight sum (for the zero point)

  int64_t block_row_count() const { return (rows + block_rows - 1) / block_rows; }
};

GroupSparseMatrix pack_group_sparse(const BlockSparseMatrix<int8_t>& a, int64_t group);

struct QSpmmParams {
  const GroupSparseMatrix* a = nullptr;
  int64_t block_row_begin = 0, block_row_end = 0;
  const uint8_t* b = nullptr;
  int64_t ldb = 0;
  const int64_t* b_rows = nullptr;  // null: B's row k at b + k * ldb; else at b + b_rows[k] (the wide grid)
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

// Where B's row k starts.
inline const uint8_t* qspmm_b_row(const QSpmmParams& p, int64_t k) {
  return p.b + (p.b_rows != nullptr ? p.b_rows[k] : k * p.ldb);
}

void qs8_spmm__ref(const QSpmmParams& p);
namespace x86 {
void qs8_spmm_1x64__avx512vnni(const QSpmmParams& p);
void qs8_spmm_2x64__avx512vnni(const QSpmmParams& p);
void qs8_spmm_4x64__avx512vnni(const QSpmmParams& p);
void qs8_spmm_1x16__avx2(const QSpmmParams& p);
void qs8_spmm_2x16__avx2(const QSpmmParams& p);
void qs8_spmm_4x16__avx2(const QSpmmParams& p);
}  // namespace x86

// The microkernel for a block height on an ISA (avx512vnni, avx2, else the reference) and the group
// size its matrices are packed with.
struct QSpmmChoice {
  QSpmmUkernel ukernel;
  int64_t group;
};
QSpmmChoice choose_qs8_spmm(Isa isa, int64_t block_rows);

}  // namespace edgerun::kernels
