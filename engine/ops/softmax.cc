// Run functions of Softmax, LogSoftmax and Hardmax.
#include "engine/ops/nn_params.h"
#include "engine/ops/op_kernels.h"
#include "kernels/dispatch.h"
#include "kernels/eltwise/softmax.h"
#include "kernels/ref/nn/softmax.h"

namespace edgerun::ops {

namespace {
Status run_softmax_like(KernelContext& ctx, ref::SoftmaxKind kind) {
  ASSIGN_OR_RETURN(AxisView v, softmax_view(ctx.node(), ctx.input(0).shape()));
  // f32 Softmax over contiguous rows (the last axis): the best entry of the Softmax table.
  if (kind == ref::SoftmaxKind::kSoftmax && ctx.input(0).dtype() == DType::kF32 && v.inner == 1 && v.n > 0) {
    const kernels::SoftmaxShape shape{v.outer, v.n};
    kernels::choose_impl(kernels::softmax_f32_impls(), shape, kernels::Backend::kNative)
        ->run(shape, ctx.input(0).data<float>(), ctx.output(0).data<float>());
    return Status::Ok();
  }
  switch (ctx.input(0).dtype()) {
#define EDGERUN_RUN(T)                                                                                   \
  ref::softmax(kind, v.outer, v.n, v.inner, ctx.input(0).data<T>(), ctx.output(0).data<T>()); \
  return Status::Ok();
    EDGERUN_FLOAT_CASES(EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}
}  // namespace

Status run_Softmax(KernelContext& ctx) { return run_softmax_like(ctx, ref::SoftmaxKind::kSoftmax); }
Status run_LogSoftmax(KernelContext& ctx) { return run_softmax_like(ctx, ref::SoftmaxKind::kLogSoftmax); }
Status run_Hardmax(KernelContext& ctx) { return run_softmax_like(ctx, ref::SoftmaxKind::kHardmax); }

}  // namespace edgerun::ops
