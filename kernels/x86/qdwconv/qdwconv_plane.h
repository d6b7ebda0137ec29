// The packing and the plane loop of the depthwise u8 x s8 microkernels (qdwconv.h), templates over the
// vector type V of each ISA's file: Reg, kLanes, set1(int32), load(const int32_t*),
// dot(acc, x, w) = acc + vpmaddwd(x, w), store(int32_t*, Reg), and
// store_float(y, residual, acc, scale, min, max, lanes). Include from __<isa>.cc files only
// (internal linkage throughout).
#pragma once

#include <cstdint>
#include <cstring>

#include "kernels/x86/qdwconv/qdwconv.h"

namespace edgerun::kernels::x86 {
namespace {

// Plain loops the compiler vectorises with the file's ISA flags.
void qdwconv_pack(const QDwConvPackArgs& a) {
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

// Outputs (oh, ow ... ow + N * L): N independent accumulators hide the latency of the taps' chain.
template <class V, int N>
void qdwconv_tile(const QDwConvPlaneArgs& a, const int32_t* row, int64_t oh, int64_t ow) {
  using Reg = typename V::Reg;
  constexpr int64_t L = V::kLanes;
  Reg acc[N];
  for (int u = 0; u < N; ++u) acc[u] = V::set1(a.bias);
  for (int64_t t = 0; t < a.taps; ++t) {
    const int32_t* src = row + a.tap_offset[t] + ow;
    const Reg w = V::set1(a.weights[t]);
    for (int u = 0; u < N; ++u) acc[u] = V::dot(acc[u], V::load(src + u * L), w);
  }
  for (int u = 0; u < N; ++u) {
    const int64_t at = ow + u * L;
    if (a.acc != nullptr) {
      V::store(a.acc + oh * a.ld_acc + at, acc[u]);
    } else {
      const int64_t lanes = a.out_w - at < L ? a.out_w - at : L;
      const int64_t o = oh * a.out_w + at;
      V::store_float(a.y + o, a.residual == nullptr ? nullptr : a.residual + o, acc[u], a.scale, a.min, a.max, lanes);
    }
  }
}

template <class V, int N>
void qdwconv_plane(const QDwConvPlaneArgs& a) {
  constexpr int64_t L = V::kLanes;
  const int64_t width = (a.out_w + L - 1) / L * L;
  for (int64_t oh = 0; oh < a.out_h; ++oh) {
    const int32_t* row = a.pairs + oh * a.stride_h * a.stride_w * a.row_pairs;
    int64_t ow = 0;
    for (; ow + N * L <= width; ow += N * L) qdwconv_tile<V, N>(a, row, oh, ow);
    for (; ow < width; ow += L) qdwconv_tile<V, 1>(a, row, oh, ow);
  }
}

}  // namespace
}  // namespace edgerun::kernels::x86
