// uint8 MaxPool and GlobalMaxPool over NCHW tensors (quantized graphs: the max commutes with the
// monotonic dequantization, so the pool runs on the uint8 values; exact). The shape is the f32 pool
// family's (kernels/pool/pool2d.h) with kind kMax or kGlobalMax. Windows with no tap inside the plane
// give 0, uint8's lowest, as ONNX's MaxPool.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/backend.h"
#include "kernels/cpu_features.h"
#include "kernels/pool/pool2d.h"

namespace edgerun::kernels {

class MaxPool2dU8 {
 public:
  virtual ~MaxPool2dU8() = default;
  // x [batch, channels, in_h, in_w]; y [batch, channels, out_h, out_w]. Allocates nothing; threads
  // over (image, channel) planes.
  virtual void run(const uint8_t* x, uint8_t* y) const = 0;
};

struct MaxPool2dU8Impl {
  const char* name;
  Isa isa;
  Backend backend;
  bool (*supports)(const Pool2dShape& shape);  // every entry: only kMax and kGlobalMax
  std::unique_ptr<MaxPool2dU8> (*create)(const Pool2dShape& shape);
};

// Best first; the last entry is the reference (kernels/ref/nn/pool.h).
const std::vector<MaxPool2dU8Impl>& maxpool2d_u8_impls();

}  // namespace edgerun::kernels
