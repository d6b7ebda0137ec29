// Gemm and MatMul with constant weights, prepared on the dense family (kernels/gemm/dense.h): f32,
// Gemm without transA or alpha and with a bias vector (or none), MatMul with 2-D weights (its
// leading dims flatten into rows) and a fused bias (graph/passes/fuse_epilogue_adds.h).
#include "engine/ops/prepared_op.h"
#include "engine/ops/sparse_choice.h"
#include "graph/passes/fuse_epilogue_adds.h"
#include "kernels/dispatch.h"
#include "kernels/gemm/dense.h"
#include "kernels/sparse/dense_sparse.h"

namespace edgerun::ops {

namespace {

// The bias of a Gemm as a vector over columns, or false when C is something else (a matrix, a
// column, a scaled or non-constant C): those Gemms keep the reference.
bool gemm_bias(const PrepareContext& pc, int64_t n, const float** bias) {
  const KernelContext& ctx = pc.kernel;
  *bias = nullptr;
  if (!ctx.has_input(2) || ctx.attrs().get_float("beta", 1.0f) == 0.0f) return true;
  if (ctx.attrs().get_float("beta", 1.0f) != 1.0f || !pc.constant(2)) return false;
  const Shape& c = ctx.input(2).shape();
  const bool row = (c.size() == 1 && c[0] == n) || (c.size() == 2 && c[0] == 1 && c[1] == n);
  if (!row) return false;
  *bias = ctx.input(2).data<float>();
  return true;
}

}  // namespace

Result<PreparedStep> prepare_dense(const PrepareContext& pc) {
  const KernelContext& ctx = pc.kernel;
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  if (a.dtype() != DType::kF32 || !pc.constant(1) || b.rank() != 2 || a.rank() < 1) return PreparedStep{};
  kernels::DenseShape s;
  const float* bias = nullptr;
  if (ctx.node().op == OpType::kGemm) {
    if (ctx.attrs().get_int("transA", 0) != 0 || ctx.attrs().get_float("alpha", 1.0f) != 1.0f) return PreparedStep{};
    s.transpose_b = ctx.attrs().get_int("transB", 0) != 0;
    s.m = a.dim(0);
    s.k = a.dim(1);
    s.n = s.transpose_b ? b.dim(0) : b.dim(1);
    if (!gemm_bias(pc, s.n, &bias)) return PreparedStep{};
  } else {
    s.k = b.dim(0);
    s.n = b.dim(1);
    s.m = s.k == 0 ? 0 : a.num_elements() / s.k;
    if (ctx.attrs().get_int(kFusedBias, 0) != 0) {
      if (!pc.constant(2)) return PreparedStep{};
      bias = ctx.input(2).data<float>();
    }
  }
  kernels::Epilogue epilogue;
  epilogue.residual = ctx.has_input(kFusedResidualInput);
  PreparedStep step;
  step.applies_activation = activation_as_clamp(pc.activation, &epilogue);
  if (!step.applies_activation) epilogue = kernels::Epilogue{epilogue.residual};
  auto kernel = kernels::create_kernel(kernels::dense_f32_impls(), s, pc.backend, b.data<float>(), bias, epilogue);
  if (!kernel.ok()) return kernel.status().with_context(ctx.node().describe());
  ChosenKernel<kernels::DenseF32> chosen{kernel->first->name, std::move(kernel->second)};
  if (pc.backend == kernels::Backend::kNative) {
    const auto y_count = static_cast<size_t>(ctx.output(0).num_elements());
    chosen = choose_dense_or_sparse<float>(pc.sparse, std::move(chosen), pc.backend, kernels::dense_sparse_f32_impls(), s,
                                           b.data<float>(), b.num_elements(), a.num_elements(),
                                           y_count * sizeof(float), epilogue.residual ? y_count : 0, bias, epilogue);
  }
  step.op = std::make_unique<PreparedFamilyOp<kernels::DenseF32>>(chosen.name, std::move(chosen.kernel),
                                                                  epilogue.residual);
  return step;
}

}  // namespace edgerun::ops
