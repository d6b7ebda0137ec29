// Index arithmetic for numpy-style broadcasting, shared by every reference kernel that broadcasts
// (binary element-wise ops, Where, Expand, PRelu).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace edgerun::ref {

// Element strides of `in` (a shape broadcastable to `out`) aligned to out's dims: 0 where the input
// dim is 1 (or missing) and the output dim is not.
inline std::vector<int64_t> broadcast_strides(const std::vector<int64_t>& in, const std::vector<int64_t>& out) {
  std::vector<int64_t> strides(out.size(), 0);
  int64_t stride = 1;
  for (size_t k = 0; k < in.size(); ++k) {
    const size_t i = in.size() - 1 - k;
    const size_t o = out.size() - 1 - k;
    strides[o] = in[i] == 1 ? 0 : stride;
    stride *= in[i];
  }
  return strides;
}

// Walks every index of `out` in row-major order and calls fn(out_index, offset_0, offset_1, ...) with
// each operand's element offset under its broadcast strides.
template <size_t N, typename Fn>
void for_each_broadcast(const std::vector<int64_t>& out, const std::vector<int64_t> (&strides)[N], Fn&& fn) {
  int64_t total = 1;
  for (int64_t d : out) total *= d;
  if (total == 0) return;
  const size_t rank = out.size();
  std::vector<int64_t> index(rank, 0);
  int64_t offsets[N] = {};
  for (int64_t linear = 0; linear < total; ++linear) {
    fn(linear, offsets);
    for (size_t k = rank; k-- > 0;) {
      ++index[k];
      for (size_t n = 0; n < N; ++n) offsets[n] += strides[n][k];
      if (index[k] < out[k]) break;
      for (size_t n = 0; n < N; ++n) offsets[n] -= strides[n][k] * out[k];
      index[k] = 0;
    }
  }
}

}  // namespace edgerun::ref
