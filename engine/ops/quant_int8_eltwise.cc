// ONNX Runtime's QLinearAdd and QLinearGlobalAveragePool (com.microsoft) on uint8 tensors.
#include <cmath>

#include "engine/ops/op_kernels.h"
#include "engine/ops/prepared_op.h"
#include "engine/ops/quant_int8_params.h"
#include "kernels/ref/quant/quantize.h"

namespace edgerun::ops {

Status run_QLinearAdd(KernelContext& ctx) {
  if (ctx.input(0).shape() != ctx.input(3).shape()) return ctx.unsupported_here("operands must have one shape");
  const float sa = ctx.input(1).data<float>()[0], sb = ctx.input(4).data<float>()[0],
              sy = ctx.input(6).data<float>()[0];
  const int32_t za = zero_point_u8(ctx, 2), zb = zero_point_u8(ctx, 5), zy = zero_point_u8(ctx, 7);
  kernels::Epilogue clamp;
  activation_as_clamp(fused_activation(ctx.node()), &clamp);
  const uint8_t* a = ctx.input(0).data<uint8_t>();
  const uint8_t* b = ctx.input(3).data<uint8_t>();
  uint8_t* y = ctx.output(0).data<uint8_t>();
  for (int64_t i = 0; i < ctx.output(0).num_elements(); ++i) {
    float v = (static_cast<float>(a[i] - za) * sa + static_cast<float>(b[i] - zb) * sb);
    v = std::min(std::max(v, clamp.min), clamp.max);
    y[i] = ref::saturate_round<uint8_t>(v / sy, zy);
  }
  return Status::Ok();
}

Status run_QLinearGlobalAveragePool(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const int64_t planes = x.dim(0) * x.dim(1);
  const int64_t size = x.num_elements() / planes;
  const float sx = ctx.input(1).data<float>()[0], sy = ctx.input(3).data<float>()[0];
  const int32_t zx = zero_point_u8(ctx, 2), zy = zero_point_u8(ctx, 4);
  for (int64_t p = 0; p < planes; ++p) {
    int64_t sum = 0;
    for (int64_t i = 0; i < size; ++i) sum += x.data<uint8_t>()[p * size + i] - zx;
    ctx.output(0).data<uint8_t>()[p] =
        ref::saturate_round<uint8_t>(static_cast<float>(static_cast<double>(sum) / size * sx / sy), zy);
  }
  return Status::Ok();
}

}  // namespace edgerun::ops
