// QLinearGlobalAveragePool (com.microsoft) on uint8 NCHW: y[n][c] = round(sx / sy * mean(x[n][c] - zx)) + zy,
// computed as requantize(sum(x) - plane * zx, sx / (sy * plane)) with kernels/qgemm/requantize.h (one
// rounding, ties away from zero; exact int32 sums), so every entry agrees with the reference bit for
// bit; against the float formula it differs by at most 1.
#pragma once

#include <cstdint>
#include <vector>

#include "graph/status.h"
#include "kernels/backend.h"
#include "kernels/cpu_features.h"
#include "kernels/qgemm/requantize.h"

namespace edgerun::kernels {

struct QGlobalAvgPoolShape {
  int64_t planes = 0;  // batch * channels
  int64_t plane = 0;   // in_h * in_w
};

struct QGlobalAvgPoolParams {
  float x_scale = 1.0f, y_scale = 1.0f;
  uint8_t x_zero_point = 0, y_zero_point = 0;
};

struct QGlobalAvgPoolQuantization {
  FixedPointScale scale;  // x_scale / (y_scale * plane)
  int32_t x_zero_point = 0, y_zero_point = 0;
};

// Errors: plane <= 0 or so large that 255 * plane overflows int32, a scale that cannot be requantized.
Result<QGlobalAvgPoolQuantization> make_qgavgpool_quantization(const QGlobalAvgPoolShape& shape,
                                                               const QGlobalAvgPoolParams& params);

struct QGlobalAvgPoolU8Impl {
  const char* name;
  Isa isa;
  Backend backend;
  bool (*supports)(const QGlobalAvgPoolShape& shape);  // null: every shape
  // x [planes, plane], y [planes]; threaded over planes when large.
  void (*run)(const QGlobalAvgPoolShape& shape, const QGlobalAvgPoolQuantization& q, const uint8_t* x, uint8_t* y);
};

// Best first; the last entry is the reference.
const std::vector<QGlobalAvgPoolU8Impl>& qgavgpool_u8_impls();

}  // namespace edgerun::kernels
