// Conv prepared on the conv2d family (kernels/conv/conv2d.h): f32, 2-D, constant weights.
#include "engine/ops/nn_params.h"
#include "engine/ops/prepared_op.h"
#include "engine/ops/sparse_choice.h"
#include "graph/passes/fuse_epilogue_adds.h"
#include "kernels/conv/conv2d.h"
#include "kernels/dispatch.h"
#include "kernels/sparse/conv2d_sparse.h"

namespace edgerun::ops {

kernels::Conv2dShape conv2d_shape(const ref::ConvParams& p) {
  kernels::Conv2dShape s;
  s.batch = p.batch;
  s.in_channels = p.in_channels;
  s.out_channels = p.out_channels;
  s.groups = p.groups;
  s.in_h = p.patch.image[0];
  s.in_w = p.patch.image[1];
  s.out_h = p.patch.grid[0];
  s.out_w = p.patch.grid[1];
  s.kernel_h = p.patch.kernel[0];
  s.kernel_w = p.patch.kernel[1];
  s.stride_h = p.patch.strides[0];
  s.stride_w = p.patch.strides[1];
  s.dilation_h = p.patch.dilations[0];
  s.dilation_w = p.patch.dilations[1];
  s.pad_top = p.patch.pads_begin[0];
  s.pad_left = p.patch.pads_begin[1];
  return s;
}

Result<PreparedStep> prepare_conv(const PrepareContext& pc) {
  const KernelContext& ctx = pc.kernel;
  if (ctx.input(0).dtype() != DType::kF32 || ctx.input(0).rank() != 4 || !pc.constant(1)) return PreparedStep{};
  if (ctx.has_input(2) && !pc.constant(2)) return PreparedStep{};
  ASSIGN_OR_RETURN(ref::ConvParams p, conv_params(ctx, 0, 1, false));
  const kernels::Conv2dShape s = conv2d_shape(p);
  kernels::Epilogue epilogue;
  epilogue.residual = ctx.has_input(kFusedResidualInput);
  PreparedStep step;
  step.applies_activation = activation_as_clamp(pc.activation, &epilogue);
  if (!step.applies_activation) epilogue = kernels::Epilogue{epilogue.residual};
  const float* bias = ctx.has_input(2) ? ctx.input(2).data<float>() : nullptr;
  auto kernel =
      kernels::create_kernel(kernels::conv2d_f32_impls(), s, pc.backend, ctx.input(1).data<float>(), bias, epilogue);
  if (!kernel.ok()) return kernel.status().with_context(ctx.node().describe());
  ChosenKernel<kernels::Conv2dF32> chosen{kernel->first->name, std::move(kernel->second)};
  // Native and XNNPACK have sparse convolutions (XNNPACK's: 1x1 only).
  if (pc.backend != kernels::Backend::kOneDnn && kernels::conv2d_sparse_supports(s)) {
    const auto y_count = static_cast<size_t>(ctx.output(0).num_elements());
    chosen = choose_dense_or_sparse<float>(pc.sparse, std::move(chosen), pc.backend, kernels::conv2d_sparse_f32_impls(), s,
                                           ctx.input(1).data<float>(), ctx.input(1).num_elements(),
                                           ctx.input(0).num_elements(), y_count * sizeof(float),
                                           epilogue.residual ? y_count : 0, bias, epilogue);
  }
  step.op = std::make_unique<PreparedFamilyOp<kernels::Conv2dF32>>(chosen.name, std::move(chosen.kernel),
                                                                   epilogue.residual);
  return step;
}

}  // namespace edgerun::ops
