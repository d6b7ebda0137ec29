// Run functions of the layout ops, all strided copies over the element size: Transpose, Concat, Split,
// Slice, Tile, DepthToSpace, SpaceToDepth; and Trilu. Transpose is also prepared at compile time.
#include <memory>

#include "engine/ops/op_kernels.h"
#include "engine/ops/prepared_op.h"
#include "engine/ops/tensor_glue.h"
#include "kernels/ref/tensor/copy.h"

namespace edgerun::ops {

namespace {

// A strided copy over `shape` into a contiguous destination.
ref::StridedCopyParams gather_copy(const Tensor& src, Shape shape, std::vector<int64_t> src_strides,
                                   int64_t src_offset = 0) {
  ref::StridedCopyParams p;
  p.elem_size = dtype_size(src.dtype());
  p.dst_strides = ref::contiguous_strides(shape);
  p.shape = std::move(shape);
  p.src_strides = std::move(src_strides);
  p.src_offset = src_offset;
  return p;
}

Result<ref::StridedCopyParams> transpose_copy(const KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  ASSIGN_OR_RETURN(std::vector<int64_t> perm, transpose_perm(node_args(ctx), in.rank()));
  const std::vector<int64_t> in_strides = ref::contiguous_strides(in.shape());
  std::vector<int64_t> strides;
  for (int64_t p : perm) strides.push_back(in_strides[static_cast<size_t>(p)]);
  return gather_copy(in, ctx.output(0).shape(), strides);
}

// A Transpose whose copy is laid out (and simplified) at compile time; the run walks it with its index
// in the scratch.
class PreparedTranspose final : public PreparedOp {
 public:
  explicit PreparedTranspose(ref::StridedCopyParams copy) : copy_(std::move(copy)) {}
  Status run(KernelContext& ctx, void* scratch) const override {
    ref::strided_copy_simplified(copy_, ctx.input(0).raw_data(), ctx.output(0).raw_data(),
                                 static_cast<int64_t*>(scratch));
    return Status::Ok();
  }
  size_t scratch_bytes() const override { return copy_.shape.size() * sizeof(int64_t); }
  const char* kernel_name() const override { return "ref_strided_copy"; }

 private:
  ref::StridedCopyParams copy_;
};

}  // namespace

Result<PreparedStep> prepare_transpose(const PrepareContext& pc) {
  ASSIGN_OR_RETURN(ref::StridedCopyParams copy, transpose_copy(pc.kernel));
  PreparedStep step;
  step.op = std::make_unique<PreparedTranspose>(ref::simplify_strided_copy(std::move(copy)));
  return step;
}

Status run_Transpose(KernelContext& ctx) {
  ASSIGN_OR_RETURN(const ref::StridedCopyParams copy, transpose_copy(ctx));
  ref::strided_copy(copy, ctx.input(0).raw_data(), ctx.output(0).raw_data());
  return Status::Ok();
}

Status run_Concat(KernelContext& ctx) {
  Tensor& out = ctx.output(0);
  const int64_t axis = normalize_axis(ctx.attrs().get_int("axis", 1), out.rank()).value();
  ref::StridedCopyParams p;
  p.elem_size = dtype_size(out.dtype());
  p.src_offset = 0;
  p.dst_strides = ref::contiguous_strides(out.shape());
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    const Tensor& in = ctx.input(i);
    p.shape = in.shape();
    p.src_strides = ref::contiguous_strides(in.shape());
    ref::strided_copy(p, in.raw_data(), out.raw_data());
    p.dst_offset += in.dim(axis) * p.dst_strides[static_cast<size_t>(axis)];
  }
  return Status::Ok();
}

Status run_Split(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  ASSIGN_OR_RETURN(SplitParams sp, split_params(node_args(ctx), in.shape(), ctx.num_outputs()));
  const std::vector<int64_t> strides = ref::contiguous_strides(in.shape());
  int64_t offset = 0;
  for (size_t i = 0; i < ctx.num_outputs(); ++i) {
    if (ctx.has_output(i)) {
      Tensor& out = ctx.output(i);
      ref::strided_copy(gather_copy(in, out.shape(), strides, offset), in.raw_data(), out.raw_data());
    }
    offset += sp.sizes[i] * strides[static_cast<size_t>(sp.axis)];
  }
  return Status::Ok();
}

Status run_Slice(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  ASSIGN_OR_RETURN(SliceParams sp, slice_params(node_args(ctx), in.shape()));
  std::vector<int64_t> strides = ref::contiguous_strides(in.shape());
  int64_t offset = 0;
  for (size_t k = 0; k < strides.size(); ++k) {
    offset += sp.start[k] * strides[k];
    strides[k] *= sp.step[k];
  }
  ref::strided_copy(gather_copy(in, sp.out, strides, offset), in.raw_data(), ctx.output(0).raw_data());
  return Status::Ok();
}

Status run_Tile(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  if (out.num_elements() == 0) return Status::Ok();
  // The output viewed as [repeat_0, dim_0, repeat_1, dim_1, ...] reads the input with stride 0 over repeats.
  const std::vector<int64_t> in_strides = ref::contiguous_strides(in.shape());
  const std::vector<int64_t> out_strides = ref::contiguous_strides(out.shape());
  ref::StridedCopyParams p;
  p.elem_size = dtype_size(in.dtype());
  for (size_t k = 0; k < in_strides.size(); ++k) {
    const int64_t dim = in.dim(static_cast<int64_t>(k));
    p.shape.insert(p.shape.end(), {out.dim(static_cast<int64_t>(k)) / dim, dim});
    p.src_strides.insert(p.src_strides.end(), {0, in_strides[k]});
    p.dst_strides.insert(p.dst_strides.end(), {dim * out_strides[k], out_strides[k]});
  }
  ref::strided_copy(p, in.raw_data(), out.raw_data());
  return Status::Ok();
}

Status run_DepthToSpace(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  const int64_t b = ctx.attrs().get_int("blocksize", 1);
  const int64_t n = in.dim(0), c = in.dim(1) / (b * b), h = in.dim(2), w = in.dim(3);
  const int64_t hw = h * w;
  // Output viewed as [n, c, h, b1, w, b2]; DCR reads input [n, b1, b2, c, h, w], CRD [n, c, b1, b2, h, w].
  std::vector<int64_t> strides;
  if (ctx.attrs().get_string("mode", "DCR") == "CRD") {
    strides = {in.dim(1) * hw, b * b * hw, w, b * hw, 1, hw};
  } else {
    strides = {in.dim(1) * hw, hw, w, b * c * hw, 1, c * hw};
  }
  ref::strided_copy(gather_copy(in, {n, c, h, b, w, b}, strides), in.raw_data(), ctx.output(0).raw_data());
  return Status::Ok();
}

Status run_SpaceToDepth(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  const int64_t b = ctx.attrs().get_int("blocksize", 1);
  const int64_t n = in.dim(0), c = in.dim(1), h = in.dim(2), w = in.dim(3);
  // Output viewed as [n, b1, b2, c, h / b, w / b] reads input [n, c, h / b * b + b1, w / b * b + b2].
  const std::vector<int64_t> strides = {c * h * w, w, 1, h * w, b * w, b};
  ref::strided_copy(gather_copy(in, {n, b, b, c, h / b, w / b}, strides), in.raw_data(), ctx.output(0).raw_data());
  return Status::Ok();
}

Status run_Trilu(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  ref::TriluParams p;
  p.elem_size = dtype_size(in.dtype());
  p.rows = in.dim(in.rank() - 2);
  p.cols = in.dim(in.rank() - 1);
  p.batch = p.rows * p.cols == 0 ? 0 : in.num_elements() / (p.rows * p.cols);
  p.k = ctx.has_input(1) ? ctx.input(1).as_int64(0) : 0;
  p.upper = ctx.attrs().get_int("upper", 1) != 0;
  ref::trilu(p, in.raw_data(), ctx.output(0).raw_data());
  return Status::Ok();
}

}  // namespace edgerun::ops
