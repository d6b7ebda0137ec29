// The f32 LayerNormalization family over the last axis: every row of n is normalised by its mean and
// variance (two passes: mean, then the mean square deviation), then scaled and shifted per column.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/backend.h"
#include "kernels/cpu_features.h"

namespace edgerun::kernels {

struct LayerNormShape {
  int64_t rows = 0, n = 0;
};

struct LayerNormF32Impl {
  const char* name;
  Isa isa;
  Backend backend;
  bool (*supports)(const LayerNormShape& shape);  // null: every shape
  // x, y [rows, n]; scale [n]; bias [n] or null; mean and inv_std_dev [rows] or null receive the
  // statistics. Threaded over rows; y may alias x.
  void (*run)(const LayerNormShape& shape, const float* x, const float* scale, const float* bias, float epsilon,
              float* y, float* mean, float* inv_std_dev);
};

const std::vector<LayerNormF32Impl>& layernorm_f32_impls();

}  // namespace edgerun::kernels
