// Reference EyeLike and ReverseSequence, written over the element size in bytes like the other
// data-movement kernels (Compress and Unique are gathers, see index.h).
#pragma once

#include <cstddef>
#include <cstdint>

namespace edgerun::ref {

// dst is [rows, cols]: the element at `one` where col - row == k, zero bytes elsewhere.
struct EyeParams {
  size_t elem_size = 0;
  int64_t rows = 0, cols = 0, k = 0;
};
void eye(const EyeParams& p, const void* one, void* dst);

// src and dst are [batch, time, inner] (batch_major) or [time, batch, inner]: for every batch entry b
// the first lens[b] steps are reversed, the rest copied. Returns false when a length is outside [0, time].
struct ReverseSequenceParams {
  size_t elem_size = 0;
  int64_t batch = 0, time = 0, inner = 1;
  bool batch_major = false;
};
bool reverse_sequence(const ReverseSequenceParams& p, const int64_t* lens, const void* src, void* dst);

}  // namespace edgerun::ref
