#include "kernels/ref/tensor/select.h"

#include <cstring>

namespace edgerun::ref {

void eye(const EyeParams& p, const void* one, void* dst) {
  auto* out = static_cast<unsigned char*>(dst);
  std::memset(out, 0, static_cast<size_t>(p.rows * p.cols) * p.elem_size);
  for (int64_t r = 0; r < p.rows; ++r) {
    const int64_t c = r + p.k;
    if (c >= 0 && c < p.cols) std::memcpy(out + static_cast<size_t>(r * p.cols + c) * p.elem_size, one, p.elem_size);
  }
}

bool reverse_sequence(const ReverseSequenceParams& p, const int64_t* lens, const void* src, void* dst) {
  for (int64_t b = 0; b < p.batch; ++b) {
    if (lens[b] < 0 || lens[b] > p.time) return false;
  }
  const size_t block = static_cast<size_t>(p.inner) * p.elem_size;
  auto offset = [&](int64_t b, int64_t t) {
    return static_cast<size_t>(p.batch_major ? b * p.time + t : t * p.batch + b) * block;
  };
  const auto* in = static_cast<const unsigned char*>(src);
  auto* out = static_cast<unsigned char*>(dst);
  for (int64_t b = 0; b < p.batch; ++b) {
    for (int64_t t = 0; t < p.time; ++t) {
      const int64_t from = t < lens[b] ? lens[b] - 1 - t : t;
      if (block > 0) std::memcpy(out + offset(b, t), in + offset(b, from), block);
    }
  }
  return true;
}

}  // namespace edgerun::ref
