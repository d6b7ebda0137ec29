// The reference entries of the element-wise, Softmax and LayerNorm families: kernels/ref behind the
// family interfaces (the oracle of the tests and the fallback of every table).
#pragma once

#include <cmath>

#include "kernels/eltwise/binary.h"
#include "kernels/eltwise/layernorm.h"
#include "kernels/eltwise/softmax.h"
#include "kernels/eltwise/unary.h"

namespace edgerun::kernels {

// GELU as ONNX Gelu-20 defines it: 0.5 x (1 + erf(x / sqrt 2)), or with tanh = true the tanh form
// 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))). Computed in the element type, as the unfused
// graph computes it.
struct GeluOp {
  bool tanh = false;
  template <typename T>
  T operator()(T x) const {
    const T inner = tanh ? T(0.7978845608028654) * (x + T(0.044715) * x * x * x) : x / T(1.4142135623730951);
    return T(0.5) * x * (T(1) + (tanh ? std::tanh(inner) : std::erf(inner)));
  }
};

void unary_f32_ref(const UnaryShape& shape, const float* x, float* y);
void binary_f32_ref(const BinaryShape& shape, const float* a, const float* b, float* y);
void softmax_f32_ref(const SoftmaxShape& shape, const float* x, float* y);
void layernorm_f32_ref(const LayerNormShape& shape, const float* x, const float* scale, const float* bias,
                       float epsilon, float* y, float* mean, float* inv_std_dev);

}  // namespace edgerun::kernels
