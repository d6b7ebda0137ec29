#include "engine/ops/fused_addends.h"

#include "graph/passes/fuse_epilogue_adds.h"

namespace edgerun::ops {

Status add_fused_addends(KernelContext& ctx) {
  const bool bias = ctx.attrs().get_int(kFusedBias, 0) != 0;
  const bool residual = ctx.attrs().get_int(kFusedResidual, 0) != 0;
  if (!bias && !residual) return Status::Ok();
  Tensor& y = ctx.output(0);
  if (y.dtype() != DType::kF32) return ctx.error("fused addends are only planned for float32 outputs");
  float* out = y.data<float>();
  const int64_t n = y.num_elements();
  if (bias) {
    const Tensor& b = ctx.input(2);
    const int64_t cols = b.num_elements();
    if (cols == 0 || n % cols != 0) return ctx.error("fused bias does not divide the output");
    const float* bv = b.data<float>();
    for (int64_t i = 0; i < n; ++i) out[i] += bv[i % cols];
  }
  if (residual) {
    const Tensor& r = ctx.input(kFusedResidualInput);
    if (r.num_elements() != n) return ctx.error("fused residual is not shaped like the output");
    const float* rv = r.data<float>();
    for (int64_t i = 0; i < n; ++i) out[i] += rv[i];
  }
  return Status::Ok();
}

}  // namespace edgerun::ops
