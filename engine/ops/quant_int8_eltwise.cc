// ONNX Runtime's QLinearAdd and QLinearGlobalAveragePool (com.microsoft) on uint8 tensors, through
// the INT8 element-wise families (kernels/qeltwise).
#include "engine/ops/op_kernels.h"
#include "engine/ops/prepared_op.h"
#include "engine/ops/quant_int8_params.h"
#include "kernels/dispatch.h"
#include "kernels/qeltwise/qadd.h"
#include "kernels/qeltwise/qgavgpool.h"

namespace edgerun::ops {

namespace {
// The family's view of y = a + b: b full, one value, or one value per channel of an NCHW a.
Result<kernels::QAddShape> qadd_shape(const KernelContext& ctx, const Shape& a, const Shape& b) {
  kernels::QAddShape s;
  s.inner = num_elements(a);
  if (b == a) return s;
  if (num_elements(b) == 1) {
    s.b = kernels::QAddBroadcast::kScalar;
    return s;
  }
  if (a.size() >= 2 && b.size() + 1 >= a.size() && num_elements(b) == a[1]) {  // [C, 1, 1] against [N, C, H, W]
    s.b = kernels::QAddBroadcast::kPerChannel;
    s.outer = a[0];
    s.channels = a[1];
    s.inner = num_elements(a) / (a[0] * a[1]);
    return s;
  }
  return ctx.unsupported_here("broadcasting " + shape_to_string(b) + " against " + shape_to_string(a));
}
}  // namespace

Status run_QLinearAdd(KernelContext& ctx) {
  // QLinearAdd commutes: the full operand goes first.
  const bool swap = ctx.input(3).shape() == ctx.output(0).shape() && ctx.input(0).shape() != ctx.output(0).shape();
  const size_t a = swap ? 3 : 0, b = swap ? 0 : 3;
  ASSIGN_OR_RETURN(kernels::QAddShape shape, qadd_shape(ctx, ctx.input(a).shape(), ctx.input(b).shape()));
  if (ctx.input(a).shape() != ctx.output(0).shape()) return ctx.unsupported_here("neither operand has the output's shape");
  kernels::QAddParams params;
  params.a_scale = ctx.input(a + 1).data<float>()[0];
  params.b_scale = ctx.input(b + 1).data<float>()[0];
  params.y_scale = ctx.input(6).data<float>()[0];
  params.a_zero_point = zero_point_u8(ctx, a + 2);
  params.b_zero_point = zero_point_u8(ctx, b + 2);
  params.y_zero_point = zero_point_u8(ctx, 7);
  ASSIGN_OR_RETURN(Uint8Clamp clamp, uint8_clamp(ctx, 6, fused_activation(ctx.node())));
  params.lo = clamp.lo;
  params.hi = clamp.hi;
  ASSIGN_OR_RETURN(kernels::QAddQuantization q, kernels::make_qadd_quantization(params));
  const kernels::QAddU8Impl* impl = kernels::choose_impl(kernels::qadd_u8_impls(), shape, kernels::Backend::kNative);
  if (impl == nullptr) return ctx.unsupported_here("no kernel for this shape");
  impl->run(shape, q, ctx.input(a).data<uint8_t>(), ctx.input(b).data<uint8_t>(), ctx.output(0).data<uint8_t>());
  return Status::Ok();
}

Status run_QLinearGlobalAveragePool(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  kernels::QGlobalAvgPoolShape shape;
  shape.planes = x.dim(0) * x.dim(1);
  shape.plane = shape.planes == 0 ? 0 : x.num_elements() / shape.planes;
  kernels::QGlobalAvgPoolParams params;
  params.x_scale = ctx.input(1).data<float>()[0];
  params.y_scale = ctx.input(3).data<float>()[0];
  params.x_zero_point = zero_point_u8(ctx, 2);
  params.y_zero_point = zero_point_u8(ctx, 4);
  ASSIGN_OR_RETURN(kernels::QGlobalAvgPoolQuantization q, kernels::make_qgavgpool_quantization(shape, params));
  const kernels::QGlobalAvgPoolU8Impl* impl =
      kernels::choose_impl(kernels::qgavgpool_u8_impls(), shape, kernels::Backend::kNative);
  if (impl == nullptr) return ctx.unsupported_here("no kernel for this shape");
  impl->run(shape, q, x.data<uint8_t>(), ctx.output(0).data<uint8_t>());
  return Status::Ok();
}

}  // namespace edgerun::ops
