// One plane of a 2-D sliding-window operation (depthwise convolution, max and average pooling),
// vectorised along the output row: a tile of N vectors of output columns accumulates every tap of the
// window, each tap one vector load of the input row (stride 1), two loads de-interleaved (stride 2)
// or a gather (other strides). Tiles that touch the left or right padding load with lane masks, whose
// masked-off lanes take the op's padding value; the row tail stores through a mask.
//
// Templates over the vector type V (kernels/x86/dwconv/f32_vec__<isa>.h) and the op; include from
// __<isa>.cc files only. Everything has internal linkage (anonymous namespace), so no code compiled for
// one ISA is shared with another translation unit.
//
// The op supplies: Reg fill() (padding lanes), Reg init() (accumulator start),
// Reg tap(Reg acc, int64_t kh, int64_t kw, Reg x), and store(int64_t oh, int64_t ow, Reg acc,
// int64_t lanes) for `lanes` outputs at (oh, ow...).
#pragma once

#include <cstdint>

#include "kernels/x86/dwconv/window.h"

namespace edgerun::kernels::x86 {
namespace {

inline int64_t window_ceil_div(int64_t a, int64_t b) { return a <= 0 ? 0 : (a + b - 1) / b; }

// Lanes j of row[col + j * stride]; with kEdge, lanes outside [0, in_w) are not read and take fill.
template <class V, int S, bool kEdge>
typename V::Reg window_load(const float* row, int64_t col, int64_t stride, int64_t in_w, typename V::Reg fill) {
  constexpr int L = V::kLanes;
  if constexpr (S == 1) {
    if constexpr (!kEdge) return V::load(row + col);
    return V::load(row + col, V::lanes(-col, in_w - col), fill);
  } else if constexpr (S == 2) {
    if constexpr (!kEdge) return V::evens(V::load(row + col), V::load(row + col + L));
    return V::evens(V::load(row + col, V::lanes(-col, in_w - col), fill),
                    V::load(row + col + L, V::lanes(-col - L, in_w - col - L), fill));
  } else {
    if constexpr (!kEdge) return V::gather(row, col, stride, V::lanes(0, L), fill);
    const int64_t lo = window_ceil_div(-col, stride);
    const int64_t hi = window_ceil_div(in_w - col, stride);
    return V::gather(row, col, stride, V::lanes(lo, hi), fill);
  }
}

// Outputs (oh, ow + j) for j < N * L, of which the last vector stores `last_lanes`.
template <class V, int K, int S, int N, bool kEdge, class Op>
void window_tile(const WindowGeometry& g, const float* x, int64_t oh, int64_t ow, int64_t last_lanes, const Op& op) {
  using Reg = typename V::Reg;
  constexpr int L = V::kLanes;
  const int64_t kernel_h = K != 0 ? K : g.kernel_h;
  const int64_t kernel_w = K != 0 ? K : g.kernel_w;
  const int64_t stride_w = S != 0 ? S : g.stride_w;
  const Reg fill = op.fill();
  Reg acc[N];
  for (int u = 0; u < N; ++u) acc[u] = op.init();
  const int64_t ih0 = oh * g.stride_h - g.pad_top;
  const int64_t col0 = ow * stride_w - g.pad_left;
  for (int64_t kh = 0; kh < kernel_h; ++kh) {
    const int64_t ih = ih0 + kh * g.dilation_h;
    if (ih < 0 || ih >= g.in_h) continue;
    const float* row = x + ih * g.in_w;
    for (int64_t kw = 0; kw < kernel_w; ++kw) {
      const int64_t col = col0 + kw * g.dilation_w;
      for (int u = 0; u < N; ++u) {
        acc[u] = op.tap(acc[u], kh, kw, window_load<V, S, kEdge>(row, col + u * L * stride_w, stride_w, g.in_w, fill));
      }
    }
  }
  for (int u = 0; u < N; ++u) op.store(oh, ow + u * L, acc[u], u == N - 1 ? last_lanes : L);
}

// The whole plane, in tiles of N vectors, then single vectors, then a masked tail.
template <class V, int K, int S, int N, class Op>
void window_plane(const WindowGeometry& g, const float* x, const Op& op) {
  constexpr int L = V::kLanes;
  const int64_t kernel_w = K != 0 ? K : g.kernel_w;
  const int64_t stride_w = S != 0 ? S : g.stride_w;
  // Output columns [ow_lo, ow_hi) load only columns inside the row; stride 2 also loads the odd column
  // after its last tap.
  const int64_t ow_lo = window_ceil_div(g.pad_left, stride_w);
  const int64_t reach = (kernel_w - 1) * g.dilation_w - g.pad_left + (S == 2 ? 1 : 0);
  const int64_t ow_hi = window_ceil_div(g.in_w - reach, stride_w);
  const auto inside = [&](int64_t ow, int64_t n) { return ow >= ow_lo && ow + n <= ow_hi; };
  for (int64_t oh = 0; oh < g.out_h; ++oh) {
    int64_t ow = 0;
    for (; ow + N * L <= g.out_w; ow += N * L) {
      if (inside(ow, N * L)) {
        window_tile<V, K, S, N, false>(g, x, oh, ow, L, op);
      } else {
        window_tile<V, K, S, N, true>(g, x, oh, ow, L, op);
      }
    }
    for (; ow < g.out_w; ow += L) {
      const int64_t lanes = g.out_w - ow < L ? g.out_w - ow : L;
      if (inside(ow, L)) {
        window_tile<V, K, S, 1, false>(g, x, oh, ow, lanes, op);
      } else {
        window_tile<V, K, S, 1, true>(g, x, oh, ow, lanes, op);
      }
    }
  }
}

}  // namespace
}  // namespace edgerun::kernels::x86
