// The transpose the sparse dense-layer kernels put their activations through (the SpMM vectorizes over
// the rows of a, so they become columns): dst[j][i] = src[i][j] for src [rows, cols], leading
// dimensions lds and ldd, in 16 x 16 tiles so both sides stay in cache lines.
#pragma once

#include <algorithm>
#include <cstdint>

namespace edgerun::kernels {

template <typename T>
void transpose_tiles(const T* src, int64_t rows, int64_t cols, int64_t lds, T* dst, int64_t ldd) {
  for (int64_t i0 = 0; i0 < rows; i0 += 16) {
    for (int64_t j0 = 0; j0 < cols; j0 += 16) {
      for (int64_t i = i0; i < std::min(rows, i0 + 16); ++i) {
        for (int64_t j = j0; j < std::min(cols, j0 + 16); ++j) dst[j * ldd + i] = src[i * lds + j];
      }
    }
  }
}

}  // namespace edgerun::kernels
