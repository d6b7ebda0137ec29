// QConv (graph/ops/quant_int8.h) on the INT8 conv family (kernels/qconv/qconv2d.h): prepared once at
// compile time, or created per call on the run-function path.
#include <memory>

#include "engine/ops/nn_params.h"
#include "engine/ops/op_kernels.h"
#include "engine/ops/prepared_op.h"
#include "engine/ops/quant_int8_params.h"
#include "engine/ops/sparse_choice.h"
#include "graph/ops/quant_int8.h"
#include "kernels/dispatch.h"
#include "kernels/qconv/qconv2d.h"
#include "kernels/sparse/qconv2d_sparse.h"

namespace edgerun::ops {

namespace {

constexpr QuantInputs kConvQuantInputs{qop::kConvXScale, qop::kConvWScale, qop::kConvBias, qop::kConvResidual,
                                       qop::kConvYScale};

struct QConvKernel {
  const char* name = nullptr;
  std::unique_ptr<kernels::QConv2d> kernel;
  bool applies_activation = false;
};

// sparse: when the native backend's pruned weights try the sparse kernels (per-call creation passes off).
Result<QConvKernel> create_qconv(const KernelContext& ctx, const ref::ActivationParams& activation,
                                 kernels::Backend backend, kernels::SparseKernels sparse) {
  ASSIGN_OR_RETURN(ref::ConvParams p, conv_params(ctx, qop::kConvX, qop::kConvW, false));
  if (p.patch.rank() != 2) return ctx.unsupported_here("only 2-D convolutions are quantized");
  ASSIGN_OR_RETURN(QuantOutputSetup out, quant_output_setup(ctx, kConvQuantInputs, activation));
  kernels::QConv2dParams params;
  params.x_zero_point = zero_point_u8(ctx, qop::kConvXZeroPoint);
  params.output = std::move(out.output);
  const kernels::Conv2dShape shape = conv2d_shape(p);
  const Tensor& w = ctx.input(qop::kConvW);
  auto made = kernels::create_kernel(kernels::qconv2d_impls(), shape, backend, w.data<int8_t>(), params);
  if (!made.ok()) return made.status().with_context(ctx.node().describe());
  ChosenKernel<kernels::QConv2d> chosen{made->first->name, std::move(made->second)};
  if (backend == kernels::Backend::kNative && !shape.depthwise()) {
    const auto y_count = static_cast<size_t>(ctx.output(0).num_elements());
    const bool residual = params.output.float_output && params.output.epilogue.residual;
    chosen = choose_dense_or_sparse<uint8_t>(
        sparse, std::move(chosen), backend, kernels::qconv2d_sparse_impls(), shape, w.data<int8_t>(), w.num_elements(),
        ctx.input(qop::kConvX).num_elements(), y_count * (params.output.float_output ? sizeof(float) : 1),
        residual ? y_count : 0, params);
  }
  return QConvKernel{chosen.name, std::move(chosen.kernel), out.applies_activation};
}

const float* residual_of(const KernelContext& ctx) {
  return ctx.has_input(qop::kConvResidual) ? ctx.input(qop::kConvResidual).data<float>() : nullptr;
}

class PreparedQConv final : public PreparedOp {
 public:
  explicit PreparedQConv(QConvKernel k) : k_(std::move(k)) {}
  Status run(KernelContext& ctx, void* scratch) const override {
    k_.kernel->run(ctx.input(qop::kConvX).data<uint8_t>(), residual_of(ctx), ctx.output(0).raw_data(), scratch);
    return Status::Ok();
  }
  size_t scratch_bytes() const override { return k_.kernel->scratch_bytes(); }
  const char* kernel_name() const override { return k_.name; }

 private:
  QConvKernel k_;
};

}  // namespace

Result<PreparedStep> prepare_qconv(const PrepareContext& pc) {
  ASSIGN_OR_RETURN(QConvKernel k, create_qconv(pc.kernel, pc.activation, pc.backend, pc.sparse));
  PreparedStep step;
  step.applies_activation = k.applies_activation;
  step.op = std::make_unique<PreparedQConv>(std::move(k));
  return step;
}

Status run_QConv(KernelContext& ctx) {
  ASSIGN_OR_RETURN(QConvKernel k, create_qconv(ctx, fused_activation(ctx.node()), kernels::Backend::kNative,
                                               kernels::SparseKernels::kOff));
  return run_once(PreparedQConv(std::move(k)), ctx);
}

}  // namespace edgerun::ops
