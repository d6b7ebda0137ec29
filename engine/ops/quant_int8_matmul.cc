// QMatMul (graph/ops/quant_int8.h): a dense layer (constant int8 b [k, n]) on the u8 x s8 GEMM family
// with its weights packed once; activation x activation products (attention) on the quantized batched
// matmul family. Prepared at compile time, or created per call on the run-function path.
#include <memory>

#include "engine/ops/nn_params.h"
#include "engine/ops/op_kernels.h"
#include "engine/ops/prepared_op.h"
#include "engine/ops/quant_int8_params.h"
#include "engine/ops/sparse_choice.h"
#include "graph/ops/quant_int8.h"
#include "kernels/dispatch.h"
#include "kernels/qgemm/qgemm.h"
#include "kernels/qgemm/qmatmul.h"
#include "kernels/sparse/qgemm_sparse.h"

namespace edgerun::ops {

namespace {

constexpr QuantInputs kMatQuantInputs{qop::kMatAScale, qop::kMatBScale, qop::kMatBias, qop::kMatResidual,
                                      qop::kMatYScale};

const float* residual_of(const KernelContext& ctx) {
  return ctx.has_input(qop::kMatResidual) ? ctx.input(qop::kMatResidual).data<float>() : nullptr;
}

bool is_dense(const KernelContext& ctx, bool b_constant) {
  return b_constant && ctx.input(qop::kMatB).dtype() == DType::kI8 && ctx.input(qop::kMatB).rank() == 2 &&
         ctx.input(qop::kMatA).rank() >= 1;
}

// Both operands at run time: one batched call when the batches are evenly strided (no broadcast of
// A), else one call per matrix.
struct BatchedPlan {
  kernels::QMatMulShape shape;
  MatMulBatches batches;
  bool strided = false;
};

BatchedPlan batched_plan(const KernelContext& ctx) {
  BatchedPlan p;
  p.batches = matmul_batches(ctx.input(qop::kMatA).shape(), ctx.input(qop::kMatB).shape());
  const MatMulBatches& b = p.batches;
  p.shape.m = b.m;
  p.shape.n = b.n;
  p.shape.k = b.k;
  p.shape.b_signed = ctx.input(qop::kMatB).dtype() == DType::kI8;
  p.strided = true;
  for (size_t i = 0; i < b.a_offsets.size(); ++i) {
    const int64_t b_step = b.b_offsets.size() > 1 ? b.b_offsets[1] - b.b_offsets[0] : 0;
    p.strided &= b.a_offsets[i] == static_cast<int64_t>(i) * b.m * b.k &&
                 b.b_offsets[i] == static_cast<int64_t>(i) * b_step;
  }
  p.shape.batch = p.strided ? static_cast<int64_t>(b.a_offsets.size()) : 1;
  return p;
}

class PreparedQDense final : public PreparedOp {
 public:
  PreparedQDense(const char* name, std::unique_ptr<kernels::QGemmU8S8> k) : name_(name), kernel_(std::move(k)) {}
  Status run(KernelContext& ctx, void* scratch) const override {
    kernel_->run(ctx.input(qop::kMatA).data<uint8_t>(), residual_of(ctx), ctx.output(0).raw_data(), scratch);
    return Status::Ok();
  }
  size_t scratch_bytes() const override { return kernel_->scratch_bytes(); }
  const char* kernel_name() const override { return name_; }

 private:
  const char* name_;
  std::unique_ptr<kernels::QGemmU8S8> kernel_;
};

class PreparedQBatched final : public PreparedOp {
 public:
  PreparedQBatched(const char* name, std::unique_ptr<kernels::QMatMul> k, BatchedPlan plan)
      : name_(name), kernel_(std::move(k)), plan_(std::move(plan)) {}
  Status run(KernelContext& ctx, void* scratch) const override {
    const MatMulBatches& b = plan_.batches;
    const size_t y_bytes = ctx.output(0).dtype() == DType::kF32 ? sizeof(float) : 1;
    const size_t b_bytes = 1;
    const float* residual = residual_of(ctx);
    const size_t calls = plan_.strided ? 1 : b.a_offsets.size();
    for (size_t i = 0; i < calls; ++i) {
      kernels::QMatMulArgs args;
      args.a = ctx.input(qop::kMatA).data<uint8_t>() + b.a_offsets[i];
      args.a_batch_stride = b.m * b.k;
      args.a_row_stride = b.k;
      args.b = static_cast<const uint8_t*>(ctx.input(qop::kMatB).raw_data()) + b.b_offsets[i] * b_bytes;
      args.b_batch_stride = b.b_offsets.size() > 1 ? b.b_offsets[1] - b.b_offsets[0] : 0;
      args.b_row_stride = b.n;
      const int64_t y_offset = static_cast<int64_t>(i) * b.m * b.n;
      args.residual = residual == nullptr ? nullptr : residual + y_offset;
      args.y = static_cast<uint8_t*>(ctx.output(0).raw_data()) + y_offset * static_cast<int64_t>(y_bytes);
      args.scratch = scratch;
      kernel_->run(args);
    }
    return Status::Ok();
  }
  size_t scratch_bytes() const override { return kernel_->scratch_bytes(); }
  const char* kernel_name() const override { return name_; }

 private:
  const char* name_;
  std::unique_ptr<kernels::QMatMul> kernel_;
  BatchedPlan plan_;
};

// sparse: when the native backend's pruned weights try the sparse kernels (per-call creation passes off).
Result<std::unique_ptr<PreparedOp>> create_qmatmul(const KernelContext& ctx, bool b_constant,
                                                   const kernels::QuantOutput& out, kernels::Backend backend,
                                                   kernels::SparseKernels sparse) {
  const uint8_t a_zp = zero_point_u8(ctx, qop::kMatAZeroPoint);
  if (is_dense(ctx, b_constant)) {
    const Tensor& b = ctx.input(qop::kMatB);
    const kernels::QGemmShape shape{ctx.input(qop::kMatA).num_elements() / b.dim(0), b.dim(1), b.dim(0)};
    auto made = kernels::create_kernel(kernels::qgemm_u8s8_impls(), shape, backend, b.data<int8_t>(), a_zp, out);
    if (!made.ok()) return made.status().with_context(ctx.node().describe());
    ChosenKernel<kernels::QGemmU8S8> chosen{made->first->name, std::move(made->second)};
    if (backend == kernels::Backend::kNative) {
      const auto y_count = static_cast<size_t>(shape.m * shape.n);
      const bool residual = out.float_output && out.epilogue.residual;
      chosen = choose_dense_or_sparse<uint8_t>(sparse, std::move(chosen), backend, kernels::qgemm_sparse_impls(), shape,
                                               b.data<int8_t>(), b.num_elements(), shape.m * shape.k,
                                               y_count * (out.float_output ? sizeof(float) : 1),
                                               residual ? y_count : 0, a_zp, out);
    }
    return std::unique_ptr<PreparedOp>(new PreparedQDense(chosen.name, std::move(chosen.kernel)));
  }
  BatchedPlan plan = batched_plan(ctx);
  int32_t b_zp = 0;
  if (ctx.has_input(qop::kMatBZeroPoint))
    b_zp = static_cast<int32_t>(ctx.input(qop::kMatBZeroPoint).as_int64(0));
  auto made = kernels::create_kernel(kernels::qmatmul_impls(), plan.shape, backend, a_zp, b_zp, out);
  if (!made.ok()) return made.status().with_context(ctx.node().describe());
  return std::unique_ptr<PreparedOp>(new PreparedQBatched(made->first->name, std::move(made->second), std::move(plan)));
}

}  // namespace

Result<PreparedStep> prepare_qmatmul(const PrepareContext& pc) {
  ASSIGN_OR_RETURN(QuantOutputSetup out, quant_output_setup(pc.kernel, kMatQuantInputs, pc.activation));
  PreparedStep step;
  step.applies_activation = out.applies_activation;
  ASSIGN_OR_RETURN(step.op,
                   create_qmatmul(pc.kernel, pc.constant(qop::kMatB), out.output, pc.backend, pc.sparse));
  return step;
}

Status run_QMatMul(KernelContext& ctx) {
  ASSIGN_OR_RETURN(QuantOutputSetup out, quant_output_setup(ctx, kMatQuantInputs, fused_activation(ctx.node())));
  ASSIGN_OR_RETURN(std::unique_ptr<PreparedOp> op, create_qmatmul(ctx, true, out.output, kernels::Backend::kNative,
                                                                  kernels::SparseKernels::kOff));
  return run_once(*op, ctx);
}

}  // namespace edgerun::ops
