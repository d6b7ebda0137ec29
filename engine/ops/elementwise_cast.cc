// Run glue of Cast and CastLike. f16 goes through f32 (exact for f16 -> anything; f64 -> f16 rounds
// twice, which can differ from a direct rounding only for values within 2^-29 relative of a tie).
#include <cstring>

#include "engine/ops/elementwise_dispatch.h"
#include "engine/ops/op_kernels.h"
#include "kernels/ref/elementwise/cast.h"

namespace edgerun::ops {

namespace {

Status cast_tensor(const Tensor& x, Tensor& y) {
  if (x.dtype() == y.dtype()) {
    if (x.byte_size() > 0 && x.raw_data() != y.raw_data()) std::memcpy(y.raw_data(), x.raw_data(), x.byte_size());
    return Status::Ok();
  }
  if (x.dtype() == DType::kF16 || y.dtype() == DType::kF16) {
    const Tensor& f16 = x.dtype() == DType::kF16 ? x : y;
    ASSIGN_OR_RETURN(Tensor f32, Tensor::allocate(DType::kF32, f16.shape()));
    if (x.dtype() == DType::kF16) {
      f16_to_f32(x, f32);
      return cast_tensor(f32, y);
    }
    RETURN_IF_ERROR(cast_tensor(x, f32));
    f32_to_f16(f32, y);
    return Status::Ok();
  }
  return visit_type<kAllTypes>(x.dtype(), [&](auto src_tag) {
    using S = typename decltype(src_tag)::type;
    return visit_type<kAllTypes>(y.dtype(), [&](auto dst_tag) {
      using D = typename decltype(dst_tag)::type;
      ref::cast(x.data<S>(), y.data<D>(), x.num_elements());
      return Status::Ok();
    });
  });
}

}  // namespace

Status run_Cast(KernelContext& ctx) {
  return ctx.in_context(cast_tensor(ctx.input(0), ctx.output(0)));
}

Status run_CastLike(KernelContext& ctx) {
  return ctx.in_context(cast_tensor(ctx.input(0), ctx.output(0)));
}

}  // namespace edgerun::ops
