// The "wide grid" of a stride-1 convolution, shared by the GEMM and the sparse convs (FP32 and INT8):
// over a padded copy of the input (planes of padded_h x padded_w, the padding holding the value that
// contributes nothing: 0, or INT8's zero point), output pixel (oh, ow) reads tap (c, ky, kx) at
// padded[c][(oh + ky * dil) * padded_w + ow + kx * dil]. A row of the product's right operand B is then
// one contiguous span when its columns run over out_h x padded_w "wide" pixels, so it is read in place
// (at the tap's offset) instead of packed as im2col; the wide columns ow >= out_w are computed and
// dropped when the result is stored.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/conv/conv2d.h"

namespace edgerun::kernels {

inline int64_t wide_padded_w(const Conv2dShape& s) { return s.out_w + s.dilation_w * (s.kernel_w - 1); }
// One more row than the taps need: the last taps of the last wide row read past the plane's last row.
inline int64_t wide_padded_h(const Conv2dShape& s) { return s.out_h + s.dilation_h * (s.kernel_h - 1) + 1; }

// The offset of B's row k (tap (c, ky, kx) of a group's input channels) in the padded planes.
inline std::vector<int64_t> wide_grid_rows(const Conv2dShape& s) {
  const int64_t wp = wide_padded_w(s), plane = wide_padded_h(s) * wp, taps = s.kernel_h * s.kernel_w;
  std::vector<int64_t> rows;
  for (int64_t k = 0; k < s.in_channels_per_group() * taps; ++k) {
    const int64_t tap = k % taps;
    rows.push_back(k / taps * plane + tap / s.kernel_w * s.dilation_h * wp + tap % s.kernel_w * s.dilation_w);
  }
  return rows;
}

// Input plane `plane` (of batch x in_channels) into its padded copy, `fill` around it.
template <typename T>
void pad_wide_plane(const Conv2dShape& s, const T* x, int64_t plane, T fill, T* padded) {
  const int64_t wp = wide_padded_w(s), hp = wide_padded_h(s);
  T* dst = padded + plane * hp * wp;
  const T* src = x + plane * s.in_h * s.in_w;
  std::fill(dst, dst + hp * wp, fill);
  const int64_t rows = std::max<int64_t>(0, std::min(s.in_h, hp - s.pad_top));
  const int64_t cols = std::max<int64_t>(0, std::min(s.in_w, wp - s.pad_left));
  for (int64_t r = 0; r < rows; ++r) {
    std::copy(src + r * s.in_w, src + r * s.in_w + cols, dst + (s.pad_top + r) * wp + s.pad_left);
  }
}

// Rows [r0, r1) of a block of wide f32 results (row r at c + (r - r0) * ldc, wide columns [j0, j1)) into
// y (row r's output plane at y + r * out_h * out_w): the columns ow < out_w of each output row, plus
// the residual (laid out like y, may alias it; or null), clamped to [lo, hi].
inline void store_wide_rows(const Conv2dShape& s, const float* c, int64_t ldc, int64_t r0, int64_t r1, int64_t j0,
                            int64_t j1, const float* residual, float* y, float lo, float hi) {
  const int64_t wp = wide_padded_w(s), plane = s.out_h * s.out_w;
  for (int64_t r = r0; r < r1; ++r) {
    for (int64_t row = j0 / wp; row * wp < j1; ++row) {
      const int64_t begin = std::max(j0, row * wp), end = std::min(j1, row * wp + s.out_w);
      const float* src = c + (r - r0) * ldc + (begin - j0);
      const int64_t at = r * plane + row * s.out_w + (begin - row * wp);  // y's element of column `begin`
      for (int64_t j = 0; j < end - begin; ++j) {
        const float v = src[j] + (residual != nullptr ? residual[at + j] : 0.0f);
        y[at + j] = std::min(std::max(v, lo), hi);
      }
    }
  }
}

}  // namespace edgerun::kernels
