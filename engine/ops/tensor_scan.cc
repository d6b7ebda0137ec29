// Run functions of CumSum and TopK.
#include "engine/ops/op_kernels.h"
#include "engine/ops/tensor_glue.h"
#include "kernels/ref/tensor/sequence.h"

namespace edgerun::ops {

namespace {

// Sizes before, at and after `axis` of `shape`.
void split_at_axis(const Shape& shape, int64_t axis, int64_t* outer, int64_t* dim, int64_t* inner) {
  *outer = *inner = 1;
  for (int64_t k = 0; k < static_cast<int64_t>(shape.size()); ++k) {
    if (k < axis) *outer *= shape[static_cast<size_t>(k)];
    if (k > axis) *inner *= shape[static_cast<size_t>(k)];
  }
  *dim = shape[static_cast<size_t>(axis)];
}

}  // namespace

Status run_CumSum(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  auto axis = normalize_axis(ctx.input(1).as_int64(0), x.rank());
  if (!axis.ok() || x.rank() == 0) return ctx.error("axis out of range");
  ref::CumSumParams p;
  split_at_axis(x.shape(), axis.value(), &p.outer, &p.axis_dim, &p.inner);
  p.exclusive = ctx.attrs().get_int("exclusive", 0) != 0;
  p.reverse = ctx.attrs().get_int("reverse", 0) != 0;
  switch (x.dtype()) {
#define EDGERUN_CUMSUM(T)                                           \
  ref::cumsum<T>(p, x.data<T>(), ctx.output(0).data<T>()); \
  return Status::Ok();
    EDGERUN_NUMERIC_CASES(EDGERUN_CUMSUM);
#undef EDGERUN_CUMSUM
    default: return ctx.unsupported_here(std::string("CumSum of type ") + dtype_name(x.dtype()));
  }
}

Status run_TopK(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  Tensor& values = ctx.output(0);
  const int64_t axis = normalize_axis(ctx.attrs().get_int("axis", -1), x.rank()).value();
  ref::TopKParams p;
  split_at_axis(x.shape(), axis, &p.outer, &p.axis_dim, &p.inner);
  p.k = values.dim(axis);
  p.largest = ctx.attrs().get_int("largest", 1) != 0;
  std::vector<int64_t> scratch;
  int64_t* indices = nullptr;
  if (ctx.has_output(1)) {
    indices = ctx.output(1).data<int64_t>();
  } else {
    scratch.resize(static_cast<size_t>(values.num_elements()));
    indices = scratch.data();
  }
  switch (x.dtype()) {
#define EDGERUN_TOPK(T)                                           \
  ref::topk<T>(p, x.data<T>(), values.data<T>(), indices); \
  return Status::Ok();
    EDGERUN_NUMERIC_CASES(EDGERUN_TOPK);
#undef EDGERUN_TOPK
    default: return ctx.unsupported_here(std::string("TopK of type ") + dtype_name(x.dtype()));
  }
}

}  // namespace edgerun::ops
