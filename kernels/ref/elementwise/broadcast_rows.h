// Broadcast iteration by rows: collapses adjacent dims that broadcast alike, then walks every outer
// index with kernels/ref/broadcast.h and hands the innermost (collapsed) dim to the caller as one row
// with a per-operand stride of 0 (broadcast) or 1. [N,C,H,W] + [C,1,1] becomes rows of H*W, and
// [B,S,D] + [D] rows of D, so the per-element cost is a plain strided loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/ref/broadcast.h"

namespace edgerun::ref {

// `in` are N shapes broadcastable to `out` (not checked). Calls
// fn(out_offset, const int64_t* in_offsets, int64_t row_length, const int64_t* in_row_strides).
template <size_t N, typename Fn>
void for_each_broadcast_row(const std::vector<int64_t>& out, const std::vector<int64_t> (&in)[N], Fn&& fn) {
  for (int64_t d : out) {
    if (d == 0) return;
  }
  std::vector<int64_t> co;
  std::vector<int64_t> ci[N];
  for (size_t d = 0; d < out.size(); ++d) {
    if (out[d] == 1) continue;  // every operand has size 1 here: the dim does not matter
    int64_t dims[N];
    bool same_pattern = !co.empty();
    for (size_t k = 0; k < N; ++k) {
      const size_t pad = out.size() - in[k].size();
      dims[k] = d < pad ? 1 : in[k][d - pad];
      if (same_pattern && (ci[k].back() == 1) != (dims[k] == 1)) same_pattern = false;
    }
    if (same_pattern) {
      co.back() *= out[d];
      for (size_t k = 0; k < N; ++k) ci[k].back() *= dims[k];
    } else {
      co.push_back(out[d]);
      for (size_t k = 0; k < N; ++k) ci[k].push_back(dims[k]);
    }
  }
  if (co.empty()) {
    co.push_back(1);
    for (size_t k = 0; k < N; ++k) ci[k].push_back(1);
  }
  const int64_t row = co.back();
  int64_t row_strides[N];
  std::vector<int64_t> outer_strides[N];
  for (size_t k = 0; k < N; ++k) {
    row_strides[k] = ci[k].back() == 1 ? 0 : 1;
    outer_strides[k] = broadcast_strides(ci[k], co);
    outer_strides[k].pop_back();
  }
  co.pop_back();
  for_each_broadcast(co, outer_strides,
                     [&](int64_t outer, const int64_t* offsets) { fn(outer * row, offsets, row, row_strides); });
}

}  // namespace edgerun::ref
