// Run functions of MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, LpPool, GlobalLpPool and
// MaxUnpool.
#include <memory>
#include <type_traits>

#include "engine/ops/nn_params.h"
#include "engine/ops/op_kernels.h"
#include "engine/ops/prepared_op.h"
#include "graph/ops/nn_extra.h"
#include "kernels/dispatch.h"
#include "kernels/pool/maxpool2d_u8.h"
#include "kernels/pool/pool2d.h"
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

// A pool family kernel created at compile time; it allocates nothing per run.
class PreparedPoolF32 final : public PreparedOp {
 public:
  PreparedPoolF32(const char* name, std::unique_ptr<kernels::Pool2dF32> kernel)
      : name_(name), kernel_(std::move(kernel)) {}
  Status run(KernelContext& ctx, void* scratch) const override {
    kernel_->run(ctx.input(0).data<float>(), ctx.output(0).data<float>(), scratch);
    return Status::Ok();
  }
  size_t scratch_bytes() const override { return kernel_->scratch_bytes(); }
  const char* kernel_name() const override { return name_; }

 private:
  const char* name_;
  std::unique_ptr<kernels::Pool2dF32> kernel_;
};

class PreparedMaxPoolU8 final : public PreparedOp {
 public:
  PreparedMaxPoolU8(const char* name, std::unique_ptr<kernels::MaxPool2dU8> kernel)
      : name_(name), kernel_(std::move(kernel)) {}
  Status run(KernelContext& ctx, void*) const override {
    kernel_->run(ctx.input(0).data<uint8_t>(), ctx.output(0).data<uint8_t>());
    return Status::Ok();
  }
  size_t scratch_bytes() const override { return 0; }
  const char* kernel_name() const override { return name_; }

 private:
  const char* name_;
  std::unique_ptr<kernels::MaxPool2dU8> kernel_;
};

// The best kernel of each pool table for the shape, prepared once (op null when none fits): the
// compiled steps keep it, the run functions run it once.
PreparedStep pool2d_f32_step(const kernels::Pool2dShape& shape) {
  const kernels::Pool2dF32Impl* impl = kernels::choose_impl(kernels::pool2d_f32_impls(), shape, kernels::Backend::kNative);
  PreparedStep step;
  if (impl != nullptr) step.op = std::make_unique<PreparedPoolF32>(impl->name, impl->create(shape));
  return step;
}

PreparedStep maxpool2d_u8_step(const kernels::Pool2dShape& shape) {
  const kernels::MaxPool2dU8Impl* impl =
      kernels::choose_impl(kernels::maxpool2d_u8_impls(), shape, kernels::Backend::kNative);
  PreparedStep step;
  if (impl != nullptr) step.op = std::make_unique<PreparedMaxPoolU8>(impl->name, impl->create(shape));
  return step;
}

// f32 pooling of NCHW tensors goes through the pool2d table (kernels/pool): the best kernel this CPU
// runs. Window pools keep their other ranks and types on the reference path.
Status run_pool2d(KernelContext& ctx, const kernels::Pool2dShape& shape) {
  const PreparedStep step = pool2d_f32_step(shape);
  if (!step.op) return ctx.unsupported_here("no pool2d kernel for this shape");
  return run_once(*step.op, ctx);
}

bool use_pool2d(const KernelContext& ctx, const ref::PoolParams& p) {
  return ctx.input(0).dtype() == DType::kF32 && p.patch.rank() == 2;
}

kernels::Pool2dShape pool2d_shape(const KernelContext& ctx, const ref::PoolParams& p, kernels::PoolKind kind) {
  const ref::PatchGeometry& g = p.patch;
  kernels::Pool2dShape s;
  s.kind = kind;
  s.batch = ctx.input(0).dim(0);
  s.channels = ctx.input(0).dim(1);
  s.in_h = g.image[0];
  s.in_w = g.image[1];
  s.out_h = g.grid[0];
  s.out_w = g.grid[1];
  s.kernel_h = g.kernel[0];
  s.kernel_w = g.kernel[1];
  s.stride_h = g.strides[0];
  s.stride_w = g.strides[1];
  s.dilation_h = g.dilations[0];
  s.dilation_w = g.dilations[1];
  s.pad_top = g.pads_begin[0];
  s.pad_left = g.pads_begin[1];
  s.pad_bottom = p.pads_end[0];
  s.pad_right = p.pads_end[1];
  s.count_include_pad = p.count_include_pad;
  return s;
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

// Every rank: a global pool reduces [channels, plane].
kernels::Pool2dShape global_pool2d_shape(const KernelContext& ctx, bool is_max) {
  kernels::Pool2dShape s;
  s.kind = is_max ? kernels::PoolKind::kGlobalMax : kernels::PoolKind::kGlobalAverage;
  plane_view(ctx.input(0), &s.channels, &s.in_w);
  s.in_h = 1;
  return s;
}

template <typename T>
Status global_pool_typed(KernelContext& ctx, bool is_max) {
  if constexpr (std::is_same_v<T, float>) return run_pool2d(ctx, global_pool2d_shape(ctx, is_max));
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

// uint8 max pooling (a quantized graph's MaxPool, graph/passes/lower_qdq.h) through its table.
Status run_maxpool2d_u8(KernelContext& ctx, const kernels::Pool2dShape& shape) {
  const PreparedStep step = maxpool2d_u8_step(shape);
  if (!step.op) return ctx.unsupported_here("no uint8 max pool kernel for this shape");
  return run_once(*step.op, ctx);
}

Status run_MaxPool(KernelContext& ctx) {
  ASSIGN_OR_RETURN(ref::PoolParams p, pool_params(ctx));
  if (use_pool2d(ctx, p) && !ctx.has_output(1)) return run_pool2d(ctx, pool2d_shape(ctx, p, kernels::PoolKind::kMax));
  if (ctx.input(0).dtype() == DType::kU8 && p.patch.rank() == 2 && !ctx.has_output(1))
    return run_maxpool2d_u8(ctx, pool2d_shape(ctx, p, kernels::PoolKind::kMax));
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
  if (use_pool2d(ctx, p)) return run_pool2d(ctx, pool2d_shape(ctx, p, kernels::PoolKind::kAverage));
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


// The cases the run functions send to a pool family, prepared once: f32 2-D window pools, f32 global
// pools, uint8 2-D max pools (none with MaxPool's indices output).
Result<PreparedStep> prepare_pool(const PrepareContext& pc) {
  const KernelContext& ctx = pc.kernel;
  const OpType op = ctx.node().op;
  const DType type = ctx.input(0).dtype();
  if (op == OpType::kGlobalAveragePool || op == OpType::kGlobalMaxPool) {
    if (type != DType::kF32) return PreparedStep{};
    return pool2d_f32_step(global_pool2d_shape(ctx, op == OpType::kGlobalMaxPool));
  }
  if (ctx.has_output(1)) return PreparedStep{};
  ASSIGN_OR_RETURN(ref::PoolParams p, pool_params(ctx));
  const kernels::PoolKind kind = op == OpType::kMaxPool ? kernels::PoolKind::kMax : kernels::PoolKind::kAverage;
  if (use_pool2d(ctx, p)) return pool2d_f32_step(pool2d_shape(ctx, p, kind));
  if (op != OpType::kMaxPool || type != DType::kU8 || p.patch.rank() != 2) return PreparedStep{};
  return maxpool2d_u8_step(pool2d_shape(ctx, p, kind));
}

}  // namespace edgerun::ops
