// The u8 x s8 2-D convolution family (NCHW uint8 activations with one zero point, OIHW int8 weights
// symmetric per output channel), for QLinearConv (uint8 out) and ConvIntegerToFloat (float out); see
// kernels/qgemm/quant_output.h for what is stored. Padding reads as the activation zero point (real 0).
// Lifecycle as the f32 family (kernels/conv/conv2d.h): create() validates and packs the weights once,
// run() allocates nothing and threads over output tiles with OpenMP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "graph/status.h"
#include "kernels/backend.h"
#include "kernels/conv/conv2d.h"
#include "kernels/cpu_features.h"
#include "kernels/qgemm/quant_output.h"

namespace edgerun::kernels {

struct QConv2dParams {
  uint8_t x_zero_point = 0;
  QuantOutput output;
};

class QConv2d {
 public:
  virtual ~QConv2d() = default;
  // x [batch, in_channels, in_h, in_w] uint8; y [batch, out_channels, out_h, out_w], uint8 or float
  // as params.output says; residual: float, shaped like y, only when output.epilogue.residual.
  // scratch holds scratch_bytes(), 64-byte aligned.
  virtual void run(const uint8_t* x, const float* residual, void* y, void* scratch) const = 0;
  virtual size_t scratch_bytes() const { return 0; }
};

struct QConv2dImpl {
  const char* name;  // qs8_conv2d_gemm__avx512vnni, qs8_dwconv2d__avx2, ...
  Isa isa;
  Backend backend;
  bool (*supports)(const Conv2dShape& shape);  // null: every shape
  // weights [out_channels, in_channels / groups, kernel_h, kernel_w]; copied as needed. Errors: a scale
  // that cannot be requantized (quantize_multiplier), lo > hi, sizes that do not match the shape.
  Result<std::unique_ptr<QConv2d>> (*create)(const Conv2dShape& shape, const int8_t* weights,
                                             const QConv2dParams& params);
};

// Best first; the last entry is the reference, which supports every shape.
const std::vector<QConv2dImpl>& qconv2d_impls();

}  // namespace edgerun::kernels
