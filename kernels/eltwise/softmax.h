// The f32 Softmax family along the last (contiguous) axis: rows of n, each y = exp(x - max) / sum,
// numerically stable (max-subtract). The attention case is [batch * heads * seq, seq].
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/backend.h"
#include "kernels/cpu_features.h"

namespace edgerun::kernels {

struct SoftmaxShape {
  int64_t rows = 0, n = 0;
};

struct SoftmaxF32Impl {
  const char* name;
  Isa isa;
  Backend backend;
  bool (*supports)(const SoftmaxShape& shape);  // null: every shape
  // x, y [rows, n]; threaded over rows. y may alias x.
  void (*run)(const SoftmaxShape& shape, const float* x, float* y);
};

const std::vector<SoftmaxF32Impl>& softmax_f32_impls();

}  // namespace edgerun::kernels
