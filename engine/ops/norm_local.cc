// Run functions of LRN, MeanVarianceNormalization and LpNormalization.
#include "engine/ops/nn_params.h"
#include "engine/ops/op_kernels.h"
#include "graph/ops/nn_extra.h"
#include "kernels/ref/nn/norm_local.h"

namespace edgerun::ops {

namespace {
template <typename T>
Status lrn_typed(KernelContext& ctx) {
  const Shape& x = ctx.input(0).shape();
  ref::LrnParams p;
  p.batch = x[0];
  p.channels = x[1];
  p.plane = 1;
  for (size_t d = 2; d < x.size(); ++d) p.plane *= x[d];
  p.size = ctx.attrs().get_int("size", 1);
  p.alpha = ctx.attrs().get_float("alpha", 1e-4f);
  p.beta = ctx.attrs().get_float("beta", 0.75f);
  p.bias = ctx.attrs().get_float("bias", 1.0f);
  ref::lrn(p, ctx.input(0).data<T>(), ctx.output(0).data<T>());
  return Status::Ok();
}

template <typename T>
Status mvn_typed(KernelContext& ctx) {
  const Shape& x = ctx.input(0).shape();
  ASSIGN_OR_RETURN(std::vector<bool> reduced, mvn_reduced_dims(ctx.node(), ctx.input(0).rank()));
  ref::mean_variance_norm(x, reduced, ctx.input(0).data<T>(), ctx.output(0).data<T>());
  return Status::Ok();
}

template <typename T>
Status lp_norm_typed(KernelContext& ctx) {
  ASSIGN_OR_RETURN(LpNormView v, lp_norm_view(ctx.node(), ctx.input(0).shape()));
  ref::lp_normalize(v.view.outer, v.view.n, v.view.inner, v.p, ctx.input(0).data<T>(), ctx.output(0).data<T>());
  return Status::Ok();
}
}  // namespace

Status run_LRN(KernelContext& ctx) {
  switch (ctx.input(0).dtype()) {
#define EDGERUN_RUN(T) return lrn_typed<T>(ctx);
    EDGERUN_FLOAT_CASES(EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}

Status run_MeanVarianceNormalization(KernelContext& ctx) {
  switch (ctx.input(0).dtype()) {
#define EDGERUN_RUN(T) return mvn_typed<T>(ctx);
    EDGERUN_FLOAT_CASES(EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}

Status run_LpNormalization(KernelContext& ctx) {
  switch (ctx.input(0).dtype()) {
#define EDGERUN_RUN(T) return lp_norm_typed<T>(ctx);
    EDGERUN_FLOAT_CASES(EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}

}  // namespace edgerun::ops
