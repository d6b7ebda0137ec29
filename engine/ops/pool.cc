// Run functions of MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, LpPool, GlobalLpPool and
// MaxUnpool.
#include "engine/ops/nn_params.h"
#include "engine/ops/op_kernels.h"
#include "graph/ops/nn_extra.h"
#include "kernels/ref/nn/pool.h"
#include "kernels/ref/nn/pool_lp.h"
#include "kernels/ref/tensor/copy.h"

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
Status lp_pool_typed(KernelContext& ctx, const ref::PoolParams& p, double order) {
  ref::lp_pool(p, order, ctx.input(0).data<T>(), ctx.output(0).data<T>());
  return Status::Ok();
}

// Indices address the unpooled shape (the pooling's input); a larger output_shape adds zeros at the end
// of each spatial dim, as in ONNX Runtime and the ONNX reference.
template <typename T>
Status max_unpool_typed(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  Tensor& y = ctx.output(0);
  ASSIGN_OR_RETURN(WindowGeometry g, unpool_geometry(ctx.node(), x.shape()));
  Shape unpooled = {x.dim(0), x.dim(1)};
  unpooled.insert(unpooled.end(), g.out.begin(), g.out.end());
  const bool padded = unpooled != y.shape();
  std::vector<T> buffer(padded ? static_cast<size_t>(num_elements(unpooled)) : 0);
  T* dst = padded ? buffer.data() : y.data<T>();
  if (!ref::max_unpool(x.num_elements(), x.data<T>(), ctx.input(1).data<int64_t>(), num_elements(unpooled), dst)) {
    return ctx.error("index out of range of the unpooled shape " + shape_to_string(unpooled));
  }
  if (padded) {
    std::fill_n(y.data<T>(), y.num_elements(), T(0));
    ref::StridedCopyParams copy;
    copy.elem_size = sizeof(T);
    copy.shape = unpooled;
    copy.src_strides = ref::contiguous_strides(unpooled);
    copy.dst_strides = ref::contiguous_strides(y.shape());
    ref::strided_copy(copy, buffer.data(), y.data<T>());
  }
  return Status::Ok();
}

// [channels, plane] view of an NC... tensor.
void plane_view(const Tensor& x, int64_t* channels, int64_t* plane) {
  *channels = x.dim(0) * x.dim(1);
  *plane = *channels == 0 ? 0 : x.num_elements() / *channels;
}

template <typename T>
Status global_pool_typed(KernelContext& ctx, bool is_max) {
  int64_t channels = 0, plane = 0;
  plane_view(ctx.input(0), &channels, &plane);
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

Status run_LpPool(KernelContext& ctx) {
  ASSIGN_OR_RETURN(ref::PoolParams p, pool_params(ctx));
  ASSIGN_OR_RETURN(const double order, lp_pool_order(ctx.node()));
  switch (ctx.input(0).dtype()) {
#define EDGERUN_RUN(T) return lp_pool_typed<T>(ctx, p, order);
    EDGERUN_FLOAT_CASES(EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}

Status run_GlobalLpPool(KernelContext& ctx) {
  ASSIGN_OR_RETURN(const double order, lp_pool_order(ctx.node()));
  int64_t channels = 0, plane = 0;
  plane_view(ctx.input(0), &channels, &plane);
  switch (ctx.input(0).dtype()) {
#define EDGERUN_RUN(T)                                                                                     \
  ref::global_lp_pool(channels, plane, order, ctx.input(0).data<T>(), ctx.output(0).data<T>()); \
  return Status::Ok();
    EDGERUN_FLOAT_CASES(EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}

Status run_MaxUnpool(KernelContext& ctx) {
  switch (ctx.input(0).dtype()) {
#define EDGERUN_RUN(T) return max_unpool_typed<T>(ctx);
    EDGERUN_FLOAT_CASES(EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}

}  // namespace edgerun::ops
