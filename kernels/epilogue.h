// What a kernel applies to each output element before storing it, so the engine never makes a second
// pass over a hot output: y = clamp(acc + bias + residual, min, max). ReLU is min = 0, Clip/ReLU6 are
// [min, max]; other activations (sigmoid, tanh, ...) stay a separate pass in the engine.
#pragma once

#include <limits>

namespace edgerun::kernels {

struct Epilogue {
  bool residual = false;  // the kernel's run() gets a tensor shaped like y to add (ResNet's skip Add)
  float min = -std::numeric_limits<float>::infinity();
  float max = std::numeric_limits<float>::infinity();
};

}  // namespace edgerun::kernels
