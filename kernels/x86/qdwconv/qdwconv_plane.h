// The c2 packing and the plane loop of the depthwise u8 x s8 microkernels (qdwconv.h), templates over
// the vector type V: Reg, kLanes, set1(int32), load(const int32_t*) and dot(acc, x, w) = acc +
// vpmaddwd(x, w) (c2), and V::Out, made once per plane from the arguments (its constants in
// registers), whose store(oh, ow, acc) stores one vector of outputs as the arguments say. The c4
// kernel supplies its own taps to the same tile loop. Include from __<isa>.cc files only (internal
// linkage throughout).
#pragma once

#include <cstdint>
#include <cstring>

#include "kernels/x86/qdwconv/qdwconv.h"

namespace edgerun::kernels::x86 {
namespace {

// Plain loops the compiler vectorises with the file's ISA flags.
inline void qdwconv_pack_c2(const QDwConvC2PackArgs& a) {
  const int64_t s = a.stride_w, d = a.dilation_w;
  const int64_t row_len = a.row_pairs * s + d;
  const int64_t phase_len = s * a.row_pairs;
  for (int64_t r = 0; r < a.rows; ++r) {
    int32_t* out = a.pairs + r * phase_len;
    const int64_t ih = r - a.pad_top;
    if (ih < 0 || ih >= a.in_h) {
      std::memset(out, 0, static_cast<size_t>(phase_len) * sizeof(int32_t));
      continue;
    }
    // The padded row: x - zero_point inside, 0 in the padding.
    const uint8_t* x = a.x + ih * a.in_w;
    int16_t* row = a.row;
    const int64_t left = a.pad_left < row_len ? a.pad_left : row_len;
    const int64_t inside_end = a.pad_left + a.in_w < row_len ? a.pad_left + a.in_w : row_len;
    for (int64_t c = 0; c < left; ++c) row[c] = 0;
    for (int64_t c = left; c < inside_end; ++c) row[c] = static_cast<int16_t>(x[c - a.pad_left] - a.zero_point);
    for (int64_t c = inside_end > left ? inside_end : left; c < row_len; ++c) row[c] = 0;
    for (int64_t ph = 0; ph < s; ++ph) {
      int32_t* o = out + ph * a.row_pairs;
      const int16_t* lo = row + ph;
      const int16_t* hi = row + ph + d;
      if (s == 1) {
        for (int64_t j = 0; j < a.row_pairs; ++j) {
          o[j] = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint16_t>(lo[j])) |
                                      (static_cast<uint32_t>(static_cast<uint16_t>(hi[j])) << 16));
        }
      } else {
        for (int64_t j = 0; j < a.row_pairs; ++j) {
          o[j] = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint16_t>(lo[j * s])) |
                                      (static_cast<uint32_t>(static_cast<uint16_t>(hi[j * s])) << 16));
        }
      }
    }
  }
}

// N vectors of outputs: along the row from (oh, ow), or (kRows) at column ow of rows oh ... oh + N - 1.
// N independent accumulators hide the latency of the taps' chain. taps(acc, u, t, w) adds group of
// taps t with weights w to vector u.
template <class V, int N, bool kRows, class Taps>
void qdwconv_tile(const QDwConvPlaneArgs& a, const typename V::Out& out, int64_t oh, int64_t ow, const Taps& taps) {
  using Reg = typename V::Reg;
  Reg acc[N];
  for (int u = 0; u < N; ++u) acc[u] = V::set1(a.init);
  for (int64_t t = 0; t < a.taps; ++t) {
    const Reg w = V::set1(a.weights[t]);
    for (int u = 0; u < N; ++u) acc[u] = taps(acc[u], u, t, w);
  }
  for (int u = 0; u < N; ++u) {
    if constexpr (kRows) {
      out.store(oh + u, ow, acc[u]);
    } else {
      out.store(oh, ow + u * V::kLanes, acc[u]);
    }
  }
}

// The plane in tiles of N vectors along the row (the rest in 2 and 1); rows narrower than that in
// tiles of N rows (the rest in 2 and 1).
// taps_at(oh, ow, rows) gives the taps functor of the tile at (oh, ow), its vectors along the row or
// (rows) down the column.
template <class V, int N, class TapsAt>
void qdwconv_plane(const QDwConvPlaneArgs& a, const TapsAt& taps_at) {
  constexpr int64_t L = V::kLanes;
  const typename V::Out out(a);
  const int64_t width = (a.out_w + L - 1) / L * L;
  if (width < N * L) {
    for (int64_t ow = 0; ow < width; ow += L) {
      int64_t oh = 0;
      for (; oh + N <= a.out_h; oh += N) qdwconv_tile<V, N, true>(a, out, oh, ow, taps_at(oh, ow, true));
      if constexpr (N > 2) {
        if (oh + 2 <= a.out_h) {
          qdwconv_tile<V, 2, true>(a, out, oh, ow, taps_at(oh, ow, true));
          oh += 2;
        }
      }
      for (; oh < a.out_h; ++oh) qdwconv_tile<V, 1, false>(a, out, oh, ow, taps_at(oh, ow, false));
    }
    return;
  }
  for (int64_t oh = 0; oh < a.out_h; ++oh) {
    int64_t ow = 0;
    for (; ow + N * L <= width; ow += N * L) qdwconv_tile<V, N, false>(a, out, oh, ow, taps_at(oh, ow, false));
    if constexpr (N > 2) {
      if (ow + 2 * L <= width) {
        qdwconv_tile<V, 2, false>(a, out, oh, ow, taps_at(oh, ow, false));
        ow += 2 * L;
      }
    }
    for (; ow < width; ow += L) qdwconv_tile<V, 1, false>(a, out, oh, ow, taps_at(oh, ow, false));
  }
}

// c2: pairs of taps, one load and one vpmaddwd each.
template <class V, int N>
void qdwconv_plane_c2(const QDwConvPlaneArgs& a) {
  const int32_t* pairs = static_cast<const int32_t*>(a.packed);
  qdwconv_plane<V, N>(a, [&](int64_t oh, int64_t ow, bool rows) {
    const int32_t* start = pairs + oh * a.stride_h * a.row_stride + ow;
    const int64_t step = rows ? a.stride_h * a.row_stride : V::kLanes;
    return [&a, start, step](typename V::Reg acc, int u, int64_t t, typename V::Reg w) {
      return V::dot(acc, V::load(start + a.tap_offset[t] + u * step), w);
    };
  });
}

}  // namespace
}  // namespace edgerun::kernels::x86
