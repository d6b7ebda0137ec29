// One plane of a 2-D sliding-window operation (depthwise convolution, max and average pooling),
// vectorised along the output row. The general path accumulates a tile of R output rows by N vectors
// of output columns over every tap of the window, each tap one vector load of the input row (stride 1),
// two loads de-interleaved (stride 2) or a gather (other strides); tiles that touch the left or right
// padding load through lane masks, whose masked-off lanes take the op's padding value. The 3x3 pad-1
// path loads each input row once per vector and shifts lanes for the side taps. Row tails store
// through a mask.
//
// Templates over the vector type V (kernels/x86/dwconv/f32_vec__<isa>.h; V::Elem is what the plane
// holds: float, or uint8_t for the uint8 max pool, loaded as floats) and the op; include from
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
typename V::Reg window_load(const typename V::Elem* row, int64_t col, int64_t stride, int64_t in_w,
                            typename V::Reg fill) {
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

// Outputs (oh + r, ow + j) for r < R, j < N * L, of which the last vector of each row stores
// `last_lanes`: R * N independent accumulators hide the latency of the taps' chain.
template <class V, int S, int R, int N, bool kEdge, class Op>
void window_tile(const WindowGeometry& g, const typename V::Elem* x, int64_t oh, int64_t ow, int64_t last_lanes,
                 const Op& op) {
  using Reg = typename V::Reg;
  constexpr int L = V::kLanes;
  const int64_t stride_w = S != 0 ? S : g.stride_w;
  const Reg fill = op.fill();
  Reg acc[R][N];
  for (int r = 0; r < R; ++r) {
    for (int u = 0; u < N; ++u) acc[r][u] = op.init();
  }
  const int64_t col0 = ow * stride_w - g.pad_left;
  for (int r = 0; r < R; ++r) {
    const int64_t ih0 = (oh + r) * g.stride_h - g.pad_top;
    for (int64_t kh = 0; kh < g.kernel_h; ++kh) {
      const int64_t ih = ih0 + kh * g.dilation_h;
      if (ih < 0 || ih >= g.in_h) continue;
      const typename V::Elem* row = x + ih * g.in_w;
      for (int64_t kw = 0; kw < g.kernel_w; ++kw) {
        const int64_t col = col0 + kw * g.dilation_w;
        for (int u = 0; u < N; ++u) {
          const Reg v = window_load<V, S, kEdge>(row, col + u * L * stride_w, stride_w, g.in_w, fill);
          acc[r][u] = op.tap(acc[r][u], kh, kw, v);
        }
      }
    }
  }
  for (int r = 0; r < R; ++r) {
    for (int u = 0; u < N; ++u) op.store(oh + r, ow + u * L, acc[r][u], u == N - 1 ? last_lanes : L);
  }
}

// Output rows [oh, oh + R): tiles of N vectors, then single vectors, then a masked tail.
template <class V, int S, int R, int N, class Op>
void window_rows(const WindowGeometry& g, const typename V::Elem* x, int64_t oh, int64_t ow_lo, int64_t ow_hi,
                 const Op& op) {
  constexpr int L = V::kLanes;
  const auto inside = [&](int64_t ow, int64_t n) { return ow >= ow_lo && ow + n <= ow_hi; };
  int64_t ow = 0;
  for (; ow + N * L <= g.out_w; ow += N * L) {
    if (inside(ow, N * L)) {
      window_tile<V, S, R, N, false>(g, x, oh, ow, L, op);
    } else {
      window_tile<V, S, R, N, true>(g, x, oh, ow, L, op);
    }
  }
  for (; ow < g.out_w; ow += L) {
    const int64_t lanes = g.out_w - ow < L ? g.out_w - ow : L;
    if (inside(ow, L)) {
      window_tile<V, S, R, 1, false>(g, x, oh, ow, lanes, op);
    } else {
      window_tile<V, S, R, 1, true>(g, x, oh, ow, lanes, op);
    }
  }
}

// 3x3 windows with dilation 1, padding 1 on the left and stride S (1 or 2) in both dims: MobileNet's
// depthwise layers and ResNet's stem pool. Vector j of output columns reads input columns
// [j * L * S - 1, (j + 1) * L * S]; each input row is loaded once per vector (stride 2: two loads split
// into even and odd columns) and the other taps are lane shifts against the previous and next vectors,
// carried along the row. Each input row feeds every one of the R output rows whose window holds it.
template <class V, int S, int R, class Op>
void window_rows_3x3p1(const WindowGeometry& g, const typename V::Elem* x, int64_t oh, const Op& op) {
  using Reg = typename V::Reg;
  constexpr int L = V::kLanes;
  constexpr int kRows = (R - 1) * S + 3;  // input rows under R output rows
  const Reg fill = op.fill();
  const typename V::Elem* rows[kRows];
  bool valid[kRows];
  for (int t = 0; t < kRows; ++t) {
    const int64_t ih = oh * S - g.pad_top + t;
    valid[t] = ih >= 0 && ih < g.in_h;
    rows[t] = x + (valid[t] ? ih : 0) * g.in_w;
  }
  // L * S input columns from col, those past the row taking fill.
  const auto load = [&](const typename V::Elem* row, int64_t col) {
    return col + L <= g.in_w ? V::load(row + col) : V::load(row + col, V::lanes(0, g.in_w - col), fill);
  };
  Reg carry[kRows], cur[kRows];  // stride 1: previous and current vector; stride 2: previous odd columns
  for (int t = 0; t < kRows; ++t) {
    carry[t] = fill;
    if constexpr (S == 1) cur[t] = valid[t] ? load(rows[t], 0) : fill;
  }
  for (int64_t ow = 0; ow < g.out_w; ow += L) {
    Reg acc[R];
    for (int r = 0; r < R; ++r) acc[r] = op.init();
    for (int t = 0; t < kRows; ++t) {
      if (!valid[t]) continue;
      Reg taps[3];
      if constexpr (S == 1) {
        const Reg next = ow + L < g.in_w ? load(rows[t], ow + L) : fill;
        taps[0] = V::shift_in(carry[t], cur[t]);
        taps[1] = cur[t];
        taps[2] = V::shift_out(cur[t], next);
        carry[t] = cur[t];
        cur[t] = next;
      } else {
        const int64_t col = 2 * ow;
        const Reg a = load(rows[t], col);
        const Reg b = col + L < g.in_w ? load(rows[t], col + L) : fill;
        const Reg odd = V::odds(a, b);
        taps[0] = V::shift_in(carry[t], odd);
        taps[1] = V::evens(a, b);
        taps[2] = odd;
        carry[t] = odd;
      }
      for (int r = 0; r < R; ++r) {
        const int kh = t - r * S;
        if (kh < 0 || kh > 2) continue;
        for (int kw = 0; kw < 3; ++kw) acc[r] = op.tap(acc[r], kh, kw, taps[kw]);
      }
    }
    const int64_t lanes = g.out_w - ow < L ? g.out_w - ow : L;
    for (int r = 0; r < R; ++r) op.store(oh + r, ow, acc[r], lanes);
  }
}

template <class V, int S, int R, class Op>
void window_plane_3x3p1(const WindowGeometry& g, const typename V::Elem* x, const Op& op) {
  int64_t oh = 0;
  for (; oh + R <= g.out_h; oh += R) window_rows_3x3p1<V, S, R>(g, x, oh, op);
  for (; oh < g.out_h; ++oh) window_rows_3x3p1<V, S, 1>(g, x, oh, op);
}

// The whole plane, R rows at a time, then the rows left one at a time.
template <class V, int S, int R, int N, class Op>
void window_plane(const WindowGeometry& g, const typename V::Elem* x, const Op& op) {
  const int64_t stride_w = S != 0 ? S : g.stride_w;
  // Output columns [ow_lo, ow_hi) load only columns inside the row; stride 2 also loads the odd column
  // after its last tap.
  const int64_t ow_lo = window_ceil_div(g.pad_left, stride_w);
  const int64_t reach = (g.kernel_w - 1) * g.dilation_w - g.pad_left + (S == 2 ? 1 : 0);
  const int64_t ow_hi = window_ceil_div(g.in_w - reach, stride_w);
  int64_t oh = 0;
  for (; oh + R <= g.out_h; oh += R) window_rows<V, S, R, N>(g, x, oh, ow_lo, ow_hi, op);
  for (; oh < g.out_h; ++oh) window_rows<V, S, 1, N>(g, x, oh, ow_lo, ow_hi, op);
}

// Variant (K, S) of EDGERUN_X86_WINDOW_VARIANTS: K = 3 takes the 3x3 path, K = 0 the general one with
// tiles of R rows by N vectors. The 3x3 path does 2 rows at a time: on Zen 4, 1.5-2x faster than 1 or
// 4 rows (4 spill its carried vectors) with 8 and 16 lanes alike.
template <class V, int K, int S, int R, int N, class Op>
void window_variant_plane(const WindowGeometry& g, const typename V::Elem* x, const Op& op) {
  if constexpr (K == 3) {
    window_plane_3x3p1<V, S, 2>(g, x, op);
  } else {
    window_plane<V, S, R, N>(g, x, op);
  }
}

}  // namespace
}  // namespace edgerun::kernels::x86
