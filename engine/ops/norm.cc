// Run functions of BatchNormalization, InstanceNormalization and LayerNormalization.
#include <type_traits>

#include "engine/ops/nn_params.h"
#include "engine/ops/op_kernels.h"
#include "kernels/dispatch.h"
#include "kernels/eltwise/layernorm.h"
#include "kernels/ref/broadcast.h"
#include "kernels/ref/nn/norm.h"

namespace edgerun::ops {

namespace {
// [batch, channels, rest] view of an NC... tensor.
void nc_view(const Shape& x, int64_t* batch, int64_t* channels, int64_t* plane) {
  *batch = x[0];
  *channels = x[1];
  *plane = 1;
  for (size_t d = 2; d < x.size(); ++d) *plane *= x[d];
}

template <typename T>
Status batch_norm_typed(KernelContext& ctx) {
  int64_t n = 0, c = 0, plane = 0;
  nc_view(ctx.input(0).shape(), &n, &c, &plane);
  ref::batch_norm(n, c, plane, ctx.input(0).data<T>(), ctx.input(1).data<T>(), ctx.input(2).data<T>(),
                  ctx.input(3).data<T>(), ctx.input(4).data<T>(), ctx.attrs().get_float("epsilon", 1e-5f),
                  ctx.output(0).data<T>());
  return Status::Ok();
}

template <typename T>
Status instance_norm_typed(KernelContext& ctx) {
  int64_t n = 0, c = 0, plane = 0;
  nc_view(ctx.input(0).shape(), &n, &c, &plane);
  ref::instance_norm(n, c, plane, ctx.input(0).data<T>(), ctx.input(1).data<T>(), ctx.input(2).data<T>(),
                     ctx.attrs().get_float("epsilon", 1e-5f), ctx.output(0).data<T>());
  return Status::Ok();
}

// The values of t broadcast to `shape` (row-major).
template <typename T>
std::vector<T> expand_to(const Tensor& t, const Shape& shape) {
  std::vector<T> out(static_cast<size_t>(num_elements(shape)));
  const std::vector<int64_t> strides[1] = {ref::broadcast_strides(t.shape(), shape)};
  const T* src = t.data<T>();
  ref::for_each_broadcast(shape, strides, [&](int64_t i, const int64_t* off) { out[static_cast<size_t>(i)] = src[off[0]]; });
  return out;
}

template <typename T>
Status layer_norm_typed(KernelContext& ctx) {
  const Shape& x = ctx.input(0).shape();
  const int64_t axis = normalize_axis(ctx.attrs().get_int("axis", -1), ctx.input(0).rank()).value();
  int64_t cols = 1;
  for (size_t d = static_cast<size_t>(axis); d < x.size(); ++d) cols *= x[d];
  const int64_t rows = cols == 0 ? 0 : ctx.input(0).num_elements() / cols;
  float* mean = ctx.has_output(1) ? ctx.output(1).data<float>() : nullptr;
  float* inv_std_dev = ctx.has_output(2) ? ctx.output(2).data<float>() : nullptr;
  const float epsilon = ctx.attrs().get_float("epsilon", 1e-5f);
  // Scale and bias are used in place when they already have the normalized shape's element count
  // (the usual [cols]), else broadcast to it; only that case allocates.
  std::vector<T> scale_copy, bias_copy;
  const T* scale = ctx.input(1).data<T>();
  const auto normalized = [&] { return Shape(x.begin() + axis, x.end()); };
  if (ctx.input(1).num_elements() != cols) scale = (scale_copy = expand_to<T>(ctx.input(1), normalized())).data();
  const T* bias = ctx.has_input(2) ? ctx.input(2).data<T>() : nullptr;
  if (bias != nullptr && ctx.input(2).num_elements() != cols)
    bias = (bias_copy = expand_to<T>(ctx.input(2), normalized())).data();
  if constexpr (std::is_same_v<T, float>) {
    const kernels::LayerNormShape shape{rows, cols};
    kernels::choose_impl(kernels::layernorm_f32_impls(), shape, kernels::Backend::kNative)
        ->run(shape, ctx.input(0).data<float>(), scale, bias, epsilon, ctx.output(0).data<float>(), mean, inv_std_dev);
  } else {
    ref::layer_norm(rows, cols, ctx.input(0).data<T>(), scale, bias, epsilon, ctx.output(0).data<T>(), mean,
                    inv_std_dev);
  }
  return Status::Ok();
}
}  // namespace

Status run_BatchNormalization(KernelContext& ctx) {
  switch (ctx.input(0).dtype()) {
#define EDGERUN_RUN(T) return batch_norm_typed<T>(ctx);
    EDGERUN_FLOAT_CASES(EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}

Status run_InstanceNormalization(KernelContext& ctx) {
  switch (ctx.input(0).dtype()) {
#define EDGERUN_RUN(T) return instance_norm_typed<T>(ctx);
    EDGERUN_FLOAT_CASES(EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}

Status run_LayerNormalization(KernelContext& ctx) {
  switch (ctx.input(0).dtype()) {
#define EDGERUN_RUN(T) return layer_norm_typed<T>(ctx);
    EDGERUN_FLOAT_CASES(EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}

}  // namespace edgerun::ops
