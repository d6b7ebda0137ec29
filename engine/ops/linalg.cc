// Run functions of Einsum and Det.
#include "engine/ops/nn_params.h"
#include "engine/ops/op_kernels.h"
#include "graph/ops/einsum_plan.h"
#include "kernels/ref/nn/det.h"
#include "kernels/ref/nn/einsum.h"

namespace edgerun::ops {

namespace {
template <typename T>
Status einsum_typed(KernelContext& ctx, const EinsumPlan& plan) {
  std::vector<const T*> inputs;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) inputs.push_back(ctx.input(i).data<T>());
  ref::EinsumParams p;
  p.out_dims = plan.out;
  p.sum_dims = plan.sum_dims;
  p.strides = plan.strides;
  ref::einsum(p, inputs.data(), ctx.output(0).data<T>());
  return Status::Ok();
}
}  // namespace

Status run_Einsum(KernelContext& ctx) {
  std::vector<Shape> shapes;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    if (!ctx.has_input(i)) return ctx.error("input " + std::to_string(i) + " is missing");
    shapes.push_back(ctx.input(i).shape());
  }
  ASSIGN_OR_RETURN(EinsumPlan plan, einsum_plan(ctx.node(), shapes));
  switch (ctx.input(0).dtype()) {
#define EDGERUN_RUN(T) return einsum_typed<T>(ctx, plan);
    EDGERUN_FLOAT_CASES(EDGERUN_RUN);
    EDGERUN_CASE_TYPE(kI32, int32_t, EDGERUN_RUN);
    EDGERUN_CASE_TYPE(kI64, int64_t, EDGERUN_RUN);
    EDGERUN_CASE_TYPE(kU32, uint32_t, EDGERUN_RUN);
    EDGERUN_CASE_TYPE(kU64, uint64_t, EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}

Status run_Det(KernelContext& ctx) {
  const Shape& x = ctx.input(0).shape();
  const int64_t n = x.back();
  const int64_t batch = ctx.output(0).num_elements();
  switch (ctx.input(0).dtype()) {
#define EDGERUN_RUN(T)                                                           \
  ref::det(batch, n, ctx.input(0).data<T>(), ctx.output(0).data<T>()); \
  return Status::Ok();
    EDGERUN_FLOAT_CASES(EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}

}  // namespace edgerun::ops
