// Run functions of the index-driven ops: Gather, GatherElements, GatherND, ScatterElements, ScatterND,
// Scatter, OneHot, NonZero; Gather is also prepared at compile time.
#include <cstring>
#include <memory>

#include "engine/ops/op_kernels.h"
#include "engine/ops/prepared_op.h"
#include "engine/ops/tensor_glue.h"
#include "kernels/ref/tensor/index.h"

namespace edgerun::ops {

namespace {

int64_t product(const Shape& s, size_t from, size_t to) {
  int64_t p = 1;
  for (size_t k = from; k < to; ++k) p *= s[k];
  return p;
}

int64_t axis_attr(const KernelContext& ctx, int64_t rank) {
  const int64_t axis = ctx.attrs().get_int("axis", 0);
  return axis < 0 ? axis + rank : axis;
}

ref::ScatterReduction reduction_of(const KernelContext& ctx) {
  const std::string r = ctx.attrs().get_string("reduction", "none");
  if (r == "add") return ref::ScatterReduction::kAdd;
  if (r == "mul") return ref::ScatterReduction::kMul;
  if (r == "max") return ref::ScatterReduction::kMax;
  if (r == "min") return ref::ScatterReduction::kMin;
  return ref::ScatterReduction::kNone;
}

// Runs scatter(T) with T the numeric type of `dtype`, or, without reduction, the unsigned type of its
// size (a plain element copy, so f16 and bool work too).
template <typename Fn>
Status dispatch_scatter(const KernelContext& ctx, DType dtype, ref::ScatterReduction r, Fn&& scatter) {
  if (r == ref::ScatterReduction::kNone) {
    switch (dtype_size(dtype)) {
      case 1: return check_indices(ctx, scatter(uint8_t{}));
      case 2: return check_indices(ctx, scatter(uint16_t{}));
      case 4: return check_indices(ctx, scatter(uint32_t{}));
      case 8: return check_indices(ctx, scatter(uint64_t{}));
      default: break;
    }
  } else {
    switch (dtype) {
#define EDGERUN_SCATTER(T) return check_indices(ctx, scatter(T{}));
      EDGERUN_NUMERIC_CASES(EDGERUN_SCATTER);
#undef EDGERUN_SCATTER
      default: break;
    }
  }
  return ctx.unsupported_here(std::string("scatter of type ") + dtype_name(dtype));
}

ref::GatherParams gather_params(const KernelContext& ctx) {
  const Tensor& data = ctx.input(0);
  const int64_t axis = axis_attr(ctx, data.rank());
  ref::GatherParams p;
  p.elem_size = dtype_size(data.dtype());
  p.outer = product(data.shape(), 0, static_cast<size_t>(axis));
  p.axis_dim = data.dim(axis);
  p.inner = product(data.shape(), static_cast<size_t>(axis) + 1, data.shape().size());
  p.num_indices = ctx.input(1).num_elements();
  return p;
}

// Gathers with int64 indices read in place, others widened into `wide` (num_indices elements).
Status gather_with(const KernelContext& ctx, const ref::GatherParams& p, int64_t* wide) {
  const Tensor& indices = ctx.input(1);
  const bool in_place = indices.dtype() == DType::kI64;
  for (int64_t i = 0; !in_place && i < p.num_indices; ++i) wide[i] = indices.as_int64(i);
  const int64_t* index = in_place ? indices.data<int64_t>() : wide;
  return check_indices(ctx, ref::gather(p, ctx.input(0).raw_data(), index, ctx.output(0).raw_data()));
}

// A Gather with its view laid out at compile time; indices other than int64 are widened in the scratch.
class PreparedGather final : public PreparedOp {
 public:
  PreparedGather(ref::GatherParams params, bool widen) : params_(params), widen_(widen) {}
  Status run(KernelContext& ctx, void* scratch) const override {
    return gather_with(ctx, params_, static_cast<int64_t*>(scratch));
  }
  size_t scratch_bytes() const override {
    return widen_ ? static_cast<size_t>(params_.num_indices) * sizeof(int64_t) : 0;
  }
  const char* kernel_name() const override { return "ref_gather"; }

 private:
  ref::GatherParams params_;
  bool widen_;
};

Status copy_data(KernelContext& ctx) {
  const Tensor& data = ctx.input(0);
  if (data.byte_size() > 0) std::memcpy(ctx.output(0).raw_data(), data.raw_data(), data.byte_size());
  return Status::Ok();
}

}  // namespace

Status run_Gather(KernelContext& ctx) {
  const ref::GatherParams p = gather_params(ctx);
  std::vector<int64_t> wide(ctx.input(1).dtype() == DType::kI64 ? 0 : static_cast<size_t>(p.num_indices));
  return gather_with(ctx, p, wide.data());
}

Result<PreparedStep> prepare_gather(const PrepareContext& pc) {
  PreparedStep step;
  step.op = std::make_unique<PreparedGather>(gather_params(pc.kernel), pc.kernel.input(1).dtype() != DType::kI64);
  return step;
}

Status run_GatherElements(KernelContext& ctx) {
  const Tensor& data = ctx.input(0);
  const std::vector<int64_t> indices = ctx.input(1).to_int64_vector();
  ref::GatherElementsParams p;
  p.elem_size = dtype_size(data.dtype());
  p.data_shape = data.shape();
  p.indices_shape = ctx.input(1).shape();
  p.axis = axis_attr(ctx, data.rank());
  return check_indices(ctx, ref::gather_elements(p, data.raw_data(), indices.data(), ctx.output(0).raw_data()));
}

Status run_GatherND(KernelContext& ctx) {
  const Tensor& data = ctx.input(0);
  const Shape& is = ctx.input(1).shape();
  const std::vector<int64_t> indices = ctx.input(1).to_int64_vector();
  const size_t b = static_cast<size_t>(ctx.attrs().get_int("batch_dims", 0));
  const size_t k = static_cast<size_t>(is.back());
  ref::GatherNDParams p;
  p.elem_size = dtype_size(data.dtype());
  p.batch = product(data.shape(), 0, b);
  p.n = product(is, b, is.size() - 1);
  p.index_dims.assign(data.shape().begin() + static_cast<std::ptrdiff_t>(b),
                      data.shape().begin() + static_cast<std::ptrdiff_t>(b + k));
  p.slice = product(data.shape(), b + k, data.shape().size());
  return check_indices(ctx, ref::gather_nd(p, data.raw_data(), indices.data(), ctx.output(0).raw_data()));
}

Status run_ScatterElements(KernelContext& ctx) {
  RETURN_IF_ERROR(copy_data(ctx));
  const Tensor& data = ctx.input(0);
  const std::vector<int64_t> indices = ctx.input(1).to_int64_vector();
  ref::ScatterElementsParams p;
  p.data_shape = data.shape();
  p.indices_shape = ctx.input(1).shape();
  p.axis = axis_attr(ctx, data.rank());
  p.reduction = reduction_of(ctx);
  return dispatch_scatter(ctx, data.dtype(), p.reduction, [&](auto t) {
    using T = decltype(t);
    return ref::scatter_elements<T>(p, indices.data(), ctx.input(2).data<T>(), ctx.output(0).data<T>());
  });
}

Status run_Scatter(KernelContext& ctx) { return run_ScatterElements(ctx); }

Status run_ScatterND(KernelContext& ctx) {
  RETURN_IF_ERROR(copy_data(ctx));
  const Tensor& data = ctx.input(0);
  const Shape& is = ctx.input(1).shape();
  const std::vector<int64_t> indices = ctx.input(1).to_int64_vector();
  const size_t k = static_cast<size_t>(is.back());
  ref::ScatterNDParams p;
  p.index_dims.assign(data.shape().begin(), data.shape().begin() + static_cast<std::ptrdiff_t>(k));
  p.n = product(is, 0, is.size() - 1);
  p.slice = product(data.shape(), k, data.shape().size());
  p.reduction = reduction_of(ctx);
  return dispatch_scatter(ctx, data.dtype(), p.reduction, [&](auto t) {
    using T = decltype(t);
    return ref::scatter_nd<T>(p, indices.data(), ctx.input(2).data<T>(), ctx.output(0).data<T>());
  });
}

Status run_OneHot(KernelContext& ctx) {
  const Tensor& indices = ctx.input(0);
  Tensor& out = ctx.output(0);
  int64_t axis = ctx.attrs().get_int("axis", -1);
  if (axis < 0) axis += out.rank();
  std::vector<int64_t> idx(static_cast<size_t>(indices.num_elements()));
  for (size_t i = 0; i < idx.size(); ++i) {
    // Float indices truncate toward zero; ones far out of range become -1 (an off row) safely.
    const double v = indices.as_double(static_cast<int64_t>(i));
    idx[i] = v > -static_cast<double>(kMaxElements) && v < static_cast<double>(kMaxElements) ? static_cast<int64_t>(v)
                                                                                               : kMaxElements;
  }
  ref::OneHotParams p;
  p.elem_size = dtype_size(out.dtype());
  p.outer = product(indices.shape(), 0, static_cast<size_t>(axis));
  p.depth = out.dim(axis);
  p.inner = product(indices.shape(), static_cast<size_t>(axis), indices.shape().size());
  ref::one_hot(p, idx.data(), ctx.input(2).raw_data(), out.raw_data());
  return Status::Ok();
}

Status run_NonZero(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  Tensor& out = ctx.output(0);
  const Shape shape = x.rank() == 0 ? Shape{1} : x.shape();
  const int64_t nnz = out.dim(1);
  switch (x.dtype()) {
#define EDGERUN_NONZERO(T)                                                             \
  if (ref::count_nonzero<T>(x.data<T>(), x.num_elements()) != nnz) {                    \
    return ctx.error("output shape does not match the input's nonzero count");         \
  }                                                                                     \
  ref::nonzero<T>(x.data<T>(), shape, nnz, out.data<int64_t>());                        \
  return Status::Ok();
    EDGERUN_ALL_CASES(EDGERUN_NONZERO);
#undef EDGERUN_NONZERO
    default: return ctx.unsupported_here(std::string("NonZero of type ") + dtype_name(x.dtype()));
  }
}

}  // namespace edgerun::ops
