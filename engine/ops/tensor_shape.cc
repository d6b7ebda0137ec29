// Run functions of the shape ops: Constant, Shape, Size, Reshape, Flatten, Squeeze, Unsqueeze, Expand,
// ConstantOfShape, Range.
#include <cstring>

#include "engine/ops/op_kernels.h"
#include "engine/ops/tensor_glue.h"
#include "kernels/ref/broadcast.h"
#include "kernels/ref/tensor/copy.h"
#include "kernels/ref/tensor/sequence.h"

namespace edgerun::ops {

Status run_Constant(KernelContext& ctx) {
  ASSIGN_OR_RETURN(Tensor t, constant_value(node_args(ctx)));
  Tensor& out = ctx.output(0);
  if (out.dtype() != t.dtype() || out.shape() != t.shape()) return ctx.error("output does not match the constant");
  if (t.byte_size() > 0) std::memcpy(out.raw_data(), t.raw_data(), t.byte_size());
  return Status::Ok();
}

Status run_Shape(KernelContext& ctx) {
  const Shape& in = ctx.input(0).shape();
  const DimRange r = shape_range(node_args(ctx), static_cast<int64_t>(in.size()));
  int64_t* out = ctx.output(0).data<int64_t>();
  for (int64_t i = r.start; i < r.end; ++i) *out++ = in[static_cast<size_t>(i)];
  return Status::Ok();
}

Status run_Size(KernelContext& ctx) {
  *ctx.output(0).data<int64_t>() = ctx.input(0).num_elements();
  return Status::Ok();
}

Status run_Reshape(KernelContext& ctx) { return copy_input_to_output(ctx); }
Status run_Flatten(KernelContext& ctx) { return copy_input_to_output(ctx); }
Status run_Squeeze(KernelContext& ctx) { return copy_input_to_output(ctx); }
Status run_Unsqueeze(KernelContext& ctx) { return copy_input_to_output(ctx); }

Status run_Expand(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  ref::StridedCopyParams p;
  p.elem_size = dtype_size(in.dtype());
  p.shape = out.shape();
  p.src_strides = ref::broadcast_strides(in.shape(), out.shape());
  p.dst_strides = ref::contiguous_strides(out.shape());
  ref::strided_copy(p, in.raw_data(), out.raw_data());
  return Status::Ok();
}

Status run_ConstantOfShape(KernelContext& ctx) {
  ASSIGN_OR_RETURN(Tensor value, constant_of_shape_value(node_args(ctx)));
  Tensor& out = ctx.output(0);
  ref::fill_elements(out.raw_data(), out.num_elements(), value.raw_data(), dtype_size(out.dtype()));
  return Status::Ok();
}

Status run_Range(KernelContext& ctx) {
  Tensor& out = ctx.output(0);
  switch (out.dtype()) {
#define EDGERUN_RANGE(T)                                                                                  \
  ref::range<T>(*ctx.input(0).data<T>(), *ctx.input(2).data<T>(), out.num_elements(), out.data<T>()); \
  return Status::Ok();
    EDGERUN_NUMERIC_CASES(EDGERUN_RANGE);
#undef EDGERUN_RANGE
    default: return ctx.unsupported_here(std::string("Range of type ") + dtype_name(out.dtype()));
  }
}

}  // namespace edgerun::ops
