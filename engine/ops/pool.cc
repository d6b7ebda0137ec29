// Run functions of MaxPool, AveragePool, GlobalAveragePool and GlobalMaxPool.
#include "engine/ops/nn_params.h"
#include "engine/ops/op_kernels.h"
#include "kernels/ref/nn/pool.h"

namespace edgerun::ops {

namespace {
Result<ref::PoolParams> pool_params(const KernelContext& ctx) {
  const Shape& x = ctx.input(0).shape();
  const bool ceil_mode = ctx.attrs().get_int("ceil_mode", 0) != 0;
  ASSIGN_OR_RETURN(WindowGeometry g, window_geometry(ctx.node(), x, ctx.attrs().get_ints("kernel_shape"), ceil_mode));
  ref::PoolParams p;
  p.channels = x[0] * x[1];
  p.patch.image.assign(x.begin() + 2, x.end());
  p.patch.grid = g.out;
  p.patch.kernel = g.kernel;
  p.patch.strides = g.strides;
  p.patch.dilations = g.dilations;
  p.patch.pads_begin = g.pads_begin;
  p.pads_end = g.pads_end;
  p.count_include_pad = ctx.attrs().get_int("count_include_pad", 0) != 0;
  p.column_major_indices = ctx.attrs().get_int("storage_order", 0) == 1;
  return p;
}

template <typename T>
Status max_pool_typed(KernelContext& ctx, const ref::PoolParams& p) {
  int64_t* indices = ctx.has_output(1) ? ctx.output(1).data<int64_t>() : nullptr;
  ref::max_pool(p, ctx.input(0).data<T>(), ctx.output(0).data<T>(), indices);
  return Status::Ok();
}

template <typename T>
Status average_pool_typed(KernelContext& ctx, const ref::PoolParams& p) {
  ref::average_pool(p, ctx.input(0).data<T>(), ctx.output(0).data<T>());
  return Status::Ok();
}

template <typename T>
Status global_pool_typed(KernelContext& ctx, bool is_max) {
  const Shape& x = ctx.input(0).shape();
  const int64_t channels = x[0] * x[1];
  const int64_t plane = channels == 0 ? 0 : ctx.input(0).num_elements() / channels;
  if (is_max) {
    ref::global_max_pool(channels, plane, ctx.input(0).data<T>(), ctx.output(0).data<T>());
  } else {
    ref::global_average_pool(channels, plane, ctx.input(0).data<T>(), ctx.output(0).data<T>());
  }
  return Status::Ok();
}
}  // namespace

Status run_MaxPool(KernelContext& ctx) {
  ASSIGN_OR_RETURN(ref::PoolParams p, pool_params(ctx));
  switch (ctx.input(0).dtype()) {
#define EDGERUN_RUN(T) return max_pool_typed<T>(ctx, p);
    EDGERUN_FLOAT_CASES(EDGERUN_RUN);
    EDGERUN_CASE_TYPE(kI8, int8_t, EDGERUN_RUN);
    EDGERUN_CASE_TYPE(kU8, uint8_t, EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}

Status run_AveragePool(KernelContext& ctx) {
  ASSIGN_OR_RETURN(ref::PoolParams p, pool_params(ctx));
  switch (ctx.input(0).dtype()) {
#define EDGERUN_RUN(T) return average_pool_typed<T>(ctx, p);
    EDGERUN_FLOAT_CASES(EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}

Status run_GlobalAveragePool(KernelContext& ctx) {
  switch (ctx.input(0).dtype()) {
#define EDGERUN_RUN(T) return global_pool_typed<T>(ctx, false);
    EDGERUN_FLOAT_CASES(EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}

Status run_GlobalMaxPool(KernelContext& ctx) {
  switch (ctx.input(0).dtype()) {
#define EDGERUN_RUN(T) return global_pool_typed<T>(ctx, true);
    EDGERUN_FLOAT_CASES(EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}

}  // namespace edgerun::ops
