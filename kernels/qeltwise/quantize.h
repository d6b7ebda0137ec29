// QuantizeLinear (f32 -> uint8) and DequantizeLinear (uint8 -> f32) with one per-tensor scale and zero
// point, ONNX semantics as kernels/ref/quant/quantize.h, bit for bit in every entry:
//   quantize:   y = saturate(round_half_even(x / scale) + zero_point), NaN -> 0, +-inf saturate
//   dequantize: y = (float(x) - float(zero_point)) * scale
// (per-axis scales stay with the reference op). Entries thread over blocks when n is large.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/backend.h"
#include "kernels/cpu_features.h"

namespace edgerun::kernels {

struct QuantizeShape {
  int64_t n = 0;  // elements
};

struct QuantizeU8Impl {
  const char* name;
  Isa isa;
  Backend backend;
  bool (*supports)(const QuantizeShape& shape);  // null: every shape
  void (*run)(const QuantizeShape& shape, const float* x, float scale, uint8_t zero_point, uint8_t* y);
};

struct DequantizeU8Impl {
  const char* name;
  Isa isa;
  Backend backend;
  bool (*supports)(const QuantizeShape& shape);  // null: every shape
  void (*run)(const QuantizeShape& shape, const uint8_t* x, float scale, uint8_t zero_point, float* y);
};

// Best first; the last entry is the reference.
const std::vector<QuantizeU8Impl>& quantize_u8_impls();
const std::vector<DequantizeU8Impl>& dequantize_u8_impls();

}  // namespace edgerun::kernels
