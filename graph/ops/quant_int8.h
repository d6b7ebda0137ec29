// Input layout of edgerun's internal INT8 ops, made only by the QDQ lowering (graph/passes/lower_qdq.h)
// and never read from model files. Shared by their shape inference, the lowering and the engine.
//   QConv:   2-D conv, uint8 x (one zero point) by int8 weights (symmetric, per output channel);
//            output uint8 when y_scale is given (as QLinearConv), else float (acc * x_scale * w_scale).
//   QMatMul: matmul of uint8 a by int8 or uint8 b, same two output modes (ONNX Runtime's
//            MatMulIntegerToFloat when float); b constant [k, n] is a dense layer, else both operands
//            are activations (attention).
// Both take an int32 bias per output channel / column and a fused float residual at input 3 (the
// index fuse_epilogue_adds uses); fused ReLU / Clip come as the _fused_* attributes.
#pragma once

#include <cstddef>

namespace edgerun::qop {

enum QConvInput : size_t {
  kConvX = 0, kConvW = 1, kConvBias = 2, kConvResidual = 3,
  kConvXScale = 4, kConvXZeroPoint = 5, kConvWScale = 6, kConvYScale = 7, kConvYZeroPoint = 8,
  kConvInputs = 9,
};

enum QMatMulInput : size_t {
  kMatA = 0, kMatB = 1, kMatBias = 2, kMatResidual = 3,
  kMatAScale = 4, kMatAZeroPoint = 5, kMatBScale = 6, kMatBZeroPoint = 7, kMatYScale = 8, kMatYZeroPoint = 9,
  kMatInputs = 10,
};

}  // namespace edgerun::qop
