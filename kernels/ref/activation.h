// Activations that fusion passes attach to the op producing their input (Conv, Gemm, MatMul).
#pragma once

#include <cstdint>

namespace edgerun::ref {

enum class ActivationKind { kNone, kRelu, kClip, kLeakyRelu, kSigmoid, kTanh, kHardSigmoid, kHardSwish };

struct ActivationParams {
  ActivationKind kind = ActivationKind::kNone;
  float alpha = 0.0f;  // LeakyRelu slope; HardSigmoid alpha
  float beta = 0.0f;   // HardSigmoid beta
  float min = 0.0f;    // Clip bounds
  float max = 0.0f;
};

// Applies the activation in place to n floats.
void apply_activation(float* data, int64_t n, const ActivationParams& params);

}  // namespace edgerun::ref
