// A pruned weight matrix A [rows, cols] in block-compressed rows, the operand of the sparse kernels
// (kernels/sparse/spmm.h). Rows are grouped into blocks of `block_rows` consecutive rows (the mask's
// "2x1" / "4x1" blocks: one column of 2 or 4 output channels); a block row stores, for every column
// where any of its rows is nonzero, the column index and the block's block_rows values (rows past
// `rows` in the last block are zero). A mask of RxC blocks is stored exactly when block_rows divides
// R; other zeros cost only the stored zeros of their block.
//
// The columns are cut into k blocks of `k_block` columns, and each block row's stored blocks are indexed
// per k block, so a product can run one k block at a time over a slice of B that stays in L1 (the
// SpMM's B rows are its only large stream).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace edgerun::kernels {

template <typename T>
struct BlockSparseMatrix {
  int64_t rows = 0, cols = 0, block_rows = 1;
  int64_t k_block = 1;  // columns per k block
  // [block row count x k blocks + 1]: the stored blocks of block row rb in k block kb are
  // [block_begin[rb * k_blocks() + kb], block_begin[rb * k_blocks() + kb + 1]).
  std::vector<int32_t> block_begin;
  std::vector<int32_t> block_col;    // column of each stored block
  std::vector<T> values;             // block_rows values per stored block, row by row

  int64_t block_row_count() const { return (rows + block_rows - 1) / block_rows; }
  int64_t k_blocks() const { return std::max<int64_t>(1, (cols + k_block - 1) / k_block); }
  int64_t stored_blocks() const { return static_cast<int64_t>(block_col.size()); }
  // Stored values over all entries: the share of the dense product's work the sparse one does.
  double density() const {
    return rows * cols == 0 ? 0.0 : static_cast<double>(values.size()) / static_cast<double>(rows * cols);
  }
};

// a(r, c) = a[r * row_stride + c * col_stride]: row-major [rows, cols] is (cols, 1), its transpose
// read as [cols, rows] is (1, rows).
// k_block: columns per k block (at least 1).
template <typename T>
BlockSparseMatrix<T> pack_block_sparse(const T* a, int64_t rows, int64_t cols, int64_t row_stride, int64_t col_stride,
                                       int64_t block_rows, int64_t k_block);

// The block height for a's zeros: the tallest of 4, 2, 1 whose stored values are at most 10% more
// than a's nonzeros (padding a block row with stored zeros wastes their multiply-adds; taller blocks
// load each B row for more output rows).
template <typename T>
int64_t choose_block_rows(const T* a, int64_t rows, int64_t cols, int64_t row_stride, int64_t col_stride);

// The fraction of a's entries that are zero.
template <typename T>
double zero_fraction(const T* a, int64_t count);

}  // namespace edgerun::kernels
