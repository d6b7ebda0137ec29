// The f32 unary element-wise family: activations and the transcendental functions of transformers
// (Relu, Sigmoid, Tanh, Erf, Exp, and GELU, which graph/passes/fuse_gelu makes one op).
// The vectorised entries evaluate polynomial or rational approximations; their error bounds against
// the correctly rounded result, over the whole float range, are:
//   exp      2 ulp relative (normal results; subnormal results within 1 subnormal ulp), overflow -> inf
//   sigmoid  4 ulp relative
//   tanh     3e-7 absolute (5 ulp near 1), exact below |x| < 4e-4
//   erf      5e-7 absolute (rational approximation on [-4, 4], +-1 beyond)
//   gelu     erf's error times |x| / 2
// NaN propagates and +-inf give the limits.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/backend.h"
#include "kernels/cpu_features.h"

namespace edgerun::kernels {

enum class UnaryOp { kRelu, kSigmoid, kTanh, kErf, kExp, kGelu };

struct UnaryShape {
  UnaryOp op = UnaryOp::kRelu;
  int64_t n = 0;  // elements
};

struct UnaryF32Impl {
  const char* name;
  Isa isa;
  Backend backend;
  bool (*supports)(const UnaryShape& shape);  // null: every shape
  // y[i] = op(x[i]) for i < n, threaded over blocks when n is large. y may alias x.
  void (*run)(const UnaryShape& shape, const float* x, float* y);
};

const std::vector<UnaryF32Impl>& unary_f32_impls();

}  // namespace edgerun::kernels
