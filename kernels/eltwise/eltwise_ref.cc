#include "kernels/eltwise/eltwise_ref.h"

#include "kernels/ref/elementwise/binary.h"
#include "kernels/ref/elementwise/unary.h"
#include "kernels/ref/nn/norm.h"
#include "kernels/ref/nn/softmax.h"

namespace edgerun::kernels {

void unary_f32_ref(const UnaryShape& shape, const float* x, float* y) {
  switch (shape.op) {
    case UnaryOp::kRelu: return ref::unary(x, y, shape.n, ref::ReluOp{});
    case UnaryOp::kSigmoid: return ref::unary(x, y, shape.n, ref::SigmoidOp{});
    case UnaryOp::kTanh: return ref::unary(x, y, shape.n, ref::TanhOp{});
    case UnaryOp::kErf: return ref::unary(x, y, shape.n, ref::ErfOp{});
    case UnaryOp::kExp: return ref::unary(x, y, shape.n, ref::ExpOp{});
    case UnaryOp::kGelu: return ref::unary(x, y, shape.n, GeluOp{});
  }
}

void binary_f32_ref(const BinaryShape& shape, const float* a, const float* b, float* y) {
  switch (shape.op) {
    case BinaryOp::kAdd: return ref::binary(a, *shape.a, b, *shape.b, y, *shape.y, ref::AddOp{});
    case BinaryOp::kSub: return ref::binary(a, *shape.a, b, *shape.b, y, *shape.y, ref::SubOp{});
    case BinaryOp::kMul: return ref::binary(a, *shape.a, b, *shape.b, y, *shape.y, ref::MulOp{});
    case BinaryOp::kDiv: return ref::binary(a, *shape.a, b, *shape.b, y, *shape.y, ref::DivOp{});
  }
}

void softmax_f32_ref(const SoftmaxShape& shape, const float* x, float* y) {
  ref::softmax(ref::SoftmaxKind::kSoftmax, shape.rows, shape.n, 1, x, y);
}

void layernorm_f32_ref(const LayerNormShape& shape, const float* x, const float* scale, const float* bias,
                       float epsilon, float* y, float* mean, float* inv_std_dev) {
  ref::layer_norm(shape.rows, shape.n, x, scale, bias, epsilon, y, mean, inv_std_dev);
}

}  // namespace edgerun::kernels
