#include "engine/ops/nn_params.h"

#include "kernels/ref/broadcast.h"

namespace edgerun::ops {

Result<ref::ConvParams> conv_params(const KernelContext& ctx, size_t x_index, size_t w_index, bool transpose) {
  const Shape& x = ctx.input(x_index).shape();
  const Shape& w = ctx.input(w_index).shape();
  if (x.size() < 3 || w.size() != x.size()) return ctx.error("bad input ranks");
  const std::vector<int64_t> kernel(w.begin() + 2, w.end());
  ASSIGN_OR_RETURN(WindowGeometry g, transpose ? conv_transpose_geometry(ctx.node(), x, kernel)
                                               : window_geometry(ctx.node(), x, kernel, false));
  ref::ConvParams p;
  p.batch = x[0];
  p.in_channels = x[1];
  p.groups = ctx.attrs().get_int("group", 1);
  p.out_channels = transpose ? w[1] * p.groups : w[0];
  const std::vector<int64_t> in_spatial(x.begin() + 2, x.end());
  p.patch.image = transpose ? g.out : in_spatial;
  p.patch.grid = transpose ? in_spatial : g.out;
  p.patch.kernel = g.kernel;
  p.patch.strides = g.strides;
  p.patch.dilations = g.dilations;
  p.patch.pads_begin = g.pads_begin;
  return p;
}

MatMulBatches matmul_batches(const Shape& a, const Shape& b) {
  const Shape a2 = a.size() == 1 ? Shape{1, a[0]} : a;
  const Shape b2 = b.size() == 1 ? Shape{b[0], 1} : b;
  MatMulBatches r;
  r.m = a2[a2.size() - 2];
  r.k = a2.back();
  r.n = b2.back();
  const Shape a_batch(a2.begin(), a2.end() - 2);
  const Shape b_batch(b2.begin(), b2.end() - 2);
  const Shape batch = broadcast_shapes(a_batch, b_batch).value();
  const std::vector<int64_t> strides[2] = {ref::broadcast_strides(a_batch, batch),
                                           ref::broadcast_strides(b_batch, batch)};
  ref::for_each_broadcast(batch, strides, [&](int64_t, const int64_t* offsets) {
    r.a_offsets.push_back(offsets[0] * r.m * r.k);
    r.b_offsets.push_back(offsets[1] * r.k * r.n);
  });
  return r;
}

Status unsupported_type(const KernelContext& ctx, DType t) {
  return ctx.unsupported_here(std::string("no kernel for type ") + dtype_name(t));
}

}  // namespace edgerun::ops
