#include "engine/ops/elementwise_dispatch.h"

#include <vector>

namespace edgerun::ops {

bool has_f16(const KernelContext& ctx) {
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    if (ctx.has_input(i) && ctx.input(i).dtype() == DType::kF16) return true;
  }
  for (size_t i = 0; i < ctx.num_outputs(); ++i) {
    if (ctx.has_output(i) && ctx.output(i).dtype() == DType::kF16) return true;
  }
  return false;
}

void f16_to_f32(const Tensor& src, Tensor& dst) {
  const uint16_t* s = src.data<uint16_t>();
  float* d = dst.data<float>();
  const int64_t n = src.num_elements();
  for (int64_t i = 0; i < n; ++i) d[i] = half_to_float(s[i]);
}

void f32_to_f16(const Tensor& src, Tensor& dst) {
  const float* s = src.data<float>();
  uint16_t* d = dst.data<uint16_t>();
  const int64_t n = src.num_elements();
  for (int64_t i = 0; i < n; ++i) d[i] = float_to_half(s[i]);
}

Status run_f16_as_f32(const KernelContext& ctx, const std::function<Status(KernelContext&)>& body) {
  std::vector<Tensor> wide_inputs(ctx.num_inputs());
  std::vector<const Tensor*> inputs(ctx.num_inputs(), nullptr);
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    if (!ctx.has_input(i)) continue;
    inputs[i] = &ctx.input(i);
    if (ctx.input(i).dtype() != DType::kF16) continue;
    ASSIGN_OR_RETURN(wide_inputs[i], Tensor::allocate(DType::kF32, ctx.input(i).shape()));
    f16_to_f32(ctx.input(i), wide_inputs[i]);
    inputs[i] = &wide_inputs[i];
  }
  std::vector<Tensor> wide_outputs(ctx.num_outputs());
  std::vector<Tensor*> outputs(ctx.num_outputs(), nullptr);
  for (size_t i = 0; i < ctx.num_outputs(); ++i) {
    if (!ctx.has_output(i)) continue;
    outputs[i] = &ctx.output(i);
    if (ctx.output(i).dtype() != DType::kF16) continue;
    ASSIGN_OR_RETURN(wide_outputs[i], Tensor::allocate(DType::kF32, ctx.output(i).shape()));
    outputs[i] = &wide_outputs[i];
  }
  KernelContext wide(ctx.node(), std::move(inputs), std::move(outputs));
  RETURN_IF_ERROR(body(wide));
  for (size_t i = 0; i < ctx.num_outputs(); ++i) {
    if (wide_outputs[i].defined()) f32_to_f16(wide_outputs[i], ctx.output(i));
  }
  return Status::Ok();
}

}  // namespace edgerun::ops
