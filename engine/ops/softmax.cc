// Run functions of Softmax, LogSoftmax and Hardmax.
#include "engine/ops/nn_params.h"
#include "engine/ops/op_kernels.h"
#include "kernels/ref/nn/softmax.h"

namespace edgerun::ops {

namespace {
Status run_softmax_like(KernelContext& ctx, ref::SoftmaxKind kind) {
  ASSIGN_OR_RETURN(AxisView v, softmax_view(ctx.node(), ctx.input(0).shape()));
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
