// Ops whose kernel is chosen and prepared once, when the plan is compiled: Conv, Gemm / MatMul with
// constant weights, their INT8 forms, and pooling. Preparing picks the family's best kernel for the
// shape, ISA cap and backend (kernels/dispatch.h), packs the weights for it and folds the bias, a fused
// residual and a ReLU/Clip into the kernel's epilogue. MatMul of run-time operands, Transpose and
// Gather are prepared too: their shape-dependent layout is computed once, so their runs allocate
// nothing. Other nodes, and these ops in cases no family covers, keep their reference run function.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/ops/kernel_context.h"
#include "graph/passes/fuse_epilogue_adds.h"
#include "kernels/backend.h"
#include "kernels/conv/conv2d.h"
#include "kernels/ref/nn/conv.h"
#include "kernels/epilogue.h"
#include "kernels/ref/activation.h"
#include "kernels/sparse/sparse_policy.h"

namespace edgerun {

class PreparedOp {
 public:
  virtual ~PreparedOp() = default;
  // Same tensors as the node's run function; scratch holds scratch_bytes() and is 64-byte aligned.
  virtual Status run(KernelContext& ctx, void* scratch) const = 0;
  virtual size_t scratch_bytes() const = 0;
  virtual const char* kernel_name() const = 0;
};

struct PreparedStep {
  std::unique_ptr<PreparedOp> op;   // null: the node keeps its run function
  bool applies_activation = false;  // the kernel's epilogue does the node's fused activation
};

// What preparing a step sees: the node with its tensors bound (constants filled in, activations as
// arena slices), which inputs are constant, the activation fused onto it and the backend asked for.
struct PrepareContext {
  const KernelContext& kernel;
  std::vector<bool> constant_inputs;
  ref::ActivationParams activation;
  kernels::Backend backend = kernels::Backend::kNative;
  kernels::SparseKernels sparse = kernels::SparseKernels::kMeasure;  // native backend only
  bool constant(size_t i) const { return i < constant_inputs.size() && constant_inputs[i]; }
};

// Runs a prepared op once with heap scratch: run functions of ops that prepare per call (the
// run-function path of dynamic shapes and constant folding).
Status run_once(const PreparedOp& op, KernelContext& ctx);

namespace ops {
// A prepared conv2d or dense kernel: x is input 0, y output 0, a fused residual kFusedResidualInput. Kernel is
// Conv2dF32 or DenseF32, with the same run().
template <typename Kernel>
class PreparedFamilyOp final : public PreparedOp {
 public:
  PreparedFamilyOp(const char* name, std::unique_ptr<Kernel> kernel, bool residual)
      : name_(name), kernel_(std::move(kernel)), residual_(residual) {}

  Status run(KernelContext& ctx, void* scratch) const override {
    const float* residual = residual_ ? ctx.input(kFusedResidualInput).data<float>() : nullptr;
    kernel_->run(ctx.input(0).data<float>(), residual, ctx.output(0).data<float>(), scratch);
    return Status::Ok();
  }
  size_t scratch_bytes() const override { return kernel_->scratch_bytes(); }
  const char* kernel_name() const override { return name_; }

 private:
  const char* name_;
  std::unique_ptr<Kernel> kernel_;
  bool residual_;
};

// The activation fused onto a node (graph/passes/fuse_activations.h attributes); kind kNone if none.
ref::ActivationParams fused_activation(const Node& node);
// The clamp an activation becomes in an epilogue, if it is one (ReLU, Clip).
bool activation_as_clamp(const ref::ActivationParams& activation, kernels::Epilogue* epilogue);
// The family's shape of a 2-D conv (Conv, QConv).
kernels::Conv2dShape conv2d_shape(const ref::ConvParams& p);
Result<PreparedStep> prepare_conv(const PrepareContext& pc);
Result<PreparedStep> prepare_dense(const PrepareContext& pc);
// MatMul: prepare_dense for constant weights, else its batches laid out once (engine/ops/matmul.cc).
Result<PreparedStep> prepare_matmul(const PrepareContext& pc);
// QConv / QMatMul (graph/ops/quant_int8.h) on the INT8 families; every case has a kernel (the
// families end with their reference).
Result<PreparedStep> prepare_qconv(const PrepareContext& pc);
Result<PreparedStep> prepare_qmatmul(const PrepareContext& pc);
// MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool on the pool families (engine/ops/pool.cc).
Result<PreparedStep> prepare_pool(const PrepareContext& pc);
// Transpose as a strided copy laid out once (engine/ops/tensor_layout.cc).
Result<PreparedStep> prepare_transpose(const PrepareContext& pc);
// Gather with its view laid out once (engine/ops/tensor_index.cc).
Result<PreparedStep> prepare_gather(const PrepareContext& pc);
}  // namespace ops

}  // namespace edgerun
