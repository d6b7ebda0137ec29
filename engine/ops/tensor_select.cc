// Run functions of EyeLike, Compress, ReverseSequence and Unique.
#include <cstring>

#include "engine/ops/op_kernels.h"
#include "engine/ops/tensor_glue.h"
#include "graph/ops/select_params.h"
#include "kernels/ref/tensor/index.h"
#include "kernels/ref/tensor/select.h"

namespace edgerun::ops {

namespace {
// Gathers the positions `kept` along `axis` of x (-1: of the flattened x) into y.
Status gather_along(const KernelContext& ctx, const Tensor& x, int64_t axis, const std::vector<int64_t>& kept, Tensor& y) {
  ref::GatherParams p;
  p.elem_size = dtype_size(x.dtype());
  p.axis_dim = x.num_elements();
  if (axis >= 0) {
    p.axis_dim = x.dim(axis);
    for (int64_t d = 0; d < x.rank(); ++d) {
      if (d < axis) p.outer *= x.dim(d);
      if (d > axis) p.inner *= x.dim(d);
    }
  }
  p.num_indices = static_cast<int64_t>(kept.size());
  return check_indices(ctx, ref::gather(p, x.raw_data(), kept.data(), y.raw_data()));
}

void write_ints(KernelContext& ctx, size_t i, const std::vector<int64_t>& v) {
  if (ctx.has_output(i) && !v.empty()) std::memcpy(ctx.output(i).raw_data(), v.data(), v.size() * sizeof(int64_t));
}
}  // namespace

Status run_EyeLike(KernelContext& ctx) {
  Tensor& y = ctx.output(0);
  const Tensor one = scalar_of_type(y.dtype(), 1.0);
  ref::EyeParams p;
  p.elem_size = dtype_size(y.dtype());
  p.rows = y.dim(0);
  p.cols = y.dim(1);
  p.k = ctx.attrs().get_int("k", 0);
  ref::eye(p, one.raw_data(), y.raw_data());
  return Status::Ok();
}

Status run_Compress(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  ASSIGN_OR_RETURN(CompressParams p, compress_params(ctx.node(), x.shape(), ctx.input(1)));
  return gather_along(ctx, x, p.axis, p.kept, ctx.output(0));
}

Status run_ReverseSequence(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  ref::ReverseSequenceParams p;
  p.elem_size = dtype_size(x.dtype());
  p.batch_major = ctx.attrs().get_int("batch_axis", 1) == 0;
  p.batch = x.dim(p.batch_major ? 0 : 1);
  p.time = x.dim(p.batch_major ? 1 : 0);
  p.inner = p.batch * p.time == 0 ? 0 : x.num_elements() / (p.batch * p.time);
  if (!ref::reverse_sequence(p, ctx.input(1).data<int64_t>(), x.raw_data(), ctx.output(0).raw_data())) {
    return ctx.error("a sequence length is outside [0, " + std::to_string(p.time) + "]");
  }
  return Status::Ok();
}

Status run_Unique(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  ASSIGN_OR_RETURN(UniqueGroups g, unique_groups(ctx.node(), x));
  RETURN_IF_ERROR(gather_along(ctx, x, g.axis, g.first, ctx.output(0)));
  write_ints(ctx, 1, g.first);
  write_ints(ctx, 2, g.inverse);
  write_ints(ctx, 3, g.counts);
  return Status::Ok();
}

}  // namespace edgerun::ops
