// Run functions of Conv and ConvTranspose.
#include "engine/ops/fused_addends.h"
#include "engine/ops/nn_params.h"
#include "engine/ops/op_kernels.h"

namespace edgerun::ops {

namespace {
template <typename T>
Status run_conv_typed(KernelContext& ctx, const ref::ConvParams& p, bool transpose) {
  const T* bias = ctx.has_input(2) ? ctx.input(2).data<T>() : nullptr;
  std::vector<T> workspace(
      static_cast<size_t>(transpose ? ref::conv_transpose_workspace_size(p) : ref::conv_workspace_size(p)));
  const T* x = ctx.input(0).data<T>();
  const T* w = ctx.input(1).data<T>();
  T* y = ctx.output(0).data<T>();
  if (transpose) {
    ref::conv_transpose(p, x, w, bias, y, workspace.data());
    return Status::Ok();
  }
  ref::conv(p, x, w, bias, y, workspace.data());
  return add_fused_addends(ctx);
}

Status run_conv(KernelContext& ctx, bool transpose) {
  ASSIGN_OR_RETURN(ref::ConvParams p, conv_params(ctx, 0, 1, transpose));
  switch (ctx.input(0).dtype()) {
#define EDGERUN_RUN(T) return run_conv_typed<T>(ctx, p, transpose);
    EDGERUN_FLOAT_CASES(EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}
}  // namespace

Status run_Conv(KernelContext& ctx) { return run_conv(ctx, false); }
Status run_ConvTranspose(KernelContext& ctx) { return run_conv(ctx, true); }

}  // namespace edgerun::ops
