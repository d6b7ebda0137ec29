// The f32 unary element-wise family: activations and the transcendental functions of transformers
// (Relu, Sigmoid, Tanh, Erf, Exp, and GELU, which graph/passes/fuse_gelu makes one op).
// The vectorised entries evaluate polynomial or rational approximations. Their error against the
// exact function over the float range (every 257th float measured; bound tested in
// tests/kernels/eltwise_test.cc on every 4099th):
//   exp      1.01 ulp (bound 2 ulp); subnormal results within 1 subnormal ulp; overflow gives inf
//   sigmoid  2.3 ulp (bound 4 ulp)
//   tanh     4.3 ulp, 2.6e-7 absolute (bound 3e-7 relative + 2 ulp); exact below |x| < 4e-4
//   erf      6.4 ulp, 3.8e-7 absolute (bound 8 ulp and 5e-7): a rational on [-3.9, 3.9], +-1 beyond
//   gelu     9.2e-7 absolute (bound 2.5e-7 |x| + 4 ulp): erf's error times |x| / 2, largest near
//            x = -5, where 1 + erf cancels (as in the unfused graph, whose float erf gives 4.5e-7)
// NaN propagates and +-inf give the limits (GELU(-inf) is NaN, -inf * 0, as in the unfused graph).
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
