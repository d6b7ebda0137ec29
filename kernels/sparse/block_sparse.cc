#include "kernels/sparse/block_sparse.h"

#include <algorithm>

namespace edgerun::kernels {

namespace {

// Whether column c of the block row starting at row r0 holds a nonzero.
template <typename T>
bool block_nonzero(const T* a, int64_t rows, int64_t r0, int64_t block_rows, int64_t c, int64_t row_stride,
                   int64_t col_stride) {
  for (int64_t r = r0; r < std::min(rows, r0 + block_rows); ++r) {
    if (a[r * row_stride + c * col_stride] != T(0)) return true;
  }
  return false;
}

template <typename T>
int64_t stored_values(const T* a, int64_t rows, int64_t cols, int64_t row_stride, int64_t col_stride,
                      int64_t block_rows) {
  int64_t blocks = 0;
  for (int64_t r0 = 0; r0 < rows; r0 += block_rows) {
    for (int64_t c = 0; c < cols; ++c) blocks += block_nonzero(a, rows, r0, block_rows, c, row_stride, col_stride);
  }
  return blocks * block_rows;
}

}  // namespace

template <typename T>
BlockSparseMatrix<T> pack_block_sparse(const T* a, int64_t rows, int64_t cols, int64_t row_stride, int64_t col_stride,
                                       int64_t block_rows, int64_t k_block) {
  BlockSparseMatrix<T> m;
  m.rows = rows;
  m.cols = cols;
  m.block_rows = block_rows;
  m.k_block = std::max<int64_t>(1, k_block);
  m.block_begin.push_back(0);
  for (int64_t r0 = 0; r0 < rows; r0 += block_rows) {
    for (int64_t kb = 0; kb < m.k_blocks(); ++kb) {
      for (int64_t c = kb * m.k_block; c < std::min(cols, (kb + 1) * m.k_block); ++c) {
        if (!block_nonzero(a, rows, r0, block_rows, c, row_stride, col_stride)) continue;
        m.block_col.push_back(static_cast<int32_t>(c));
        for (int64_t r = r0; r < r0 + block_rows; ++r) {
          m.values.push_back(r < rows ? a[r * row_stride + c * col_stride] : T(0));
        }
      }
      m.block_begin.push_back(static_cast<int32_t>(m.block_col.size()));
    }
  }
  return m;
}

template <typename T>
int64_t choose_block_rows(const T* a, int64_t rows, int64_t cols, int64_t row_stride, int64_t col_stride) {
  const int64_t nonzeros = stored_values(a, rows, cols, row_stride, col_stride, 1);
  for (int64_t block_rows : {4, 2}) {
    if (stored_values(a, rows, cols, row_stride, col_stride, block_rows) * 10 <= nonzeros * 11) return block_rows;
  }
  return 1;
}

template <typename T>
double zero_fraction(const T* a, int64_t count) {
  if (count == 0) return 0.0;
  return static_cast<double>(std::count(a, a + count, T(0))) / static_cast<double>(count);
}

template BlockSparseMatrix<float> pack_block_sparse(const float*, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t);
template int64_t choose_block_rows(const float*, int64_t, int64_t, int64_t, int64_t);
template double zero_fraction(const float*, int64_t);
template BlockSparseMatrix<int8_t> pack_block_sparse(const int8_t*, int64_t, int64_t, int64_t, int64_t, int64_t,
                                                     int64_t);
template int64_t choose_block_rows(const int8_t*, int64_t, int64_t, int64_t, int64_t);
template double zero_fraction(const int8_t*, int64_t);

}  // namespace edgerun::kernels
