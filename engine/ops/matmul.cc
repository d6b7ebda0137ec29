// Run functions of Gemm and MatMul, and MatMul prepared at compile time.
#include <memory>

#include "engine/ops/fused_addends.h"
#include "engine/ops/nn_params.h"
#include "engine/ops/op_kernels.h"
#include "engine/ops/prepared_op.h"
#include "kernels/gemm/matmul.h"
#include "kernels/ref/broadcast.h"
#include "kernels/ref/nn/gemm.h"

namespace edgerun::ops {

#define EDGERUN_MATMUL_CASES(MACRO)                                                          \
  EDGERUN_FLOAT_CASES(MACRO);                                                               \
  EDGERUN_CASE_TYPE(kI32, int32_t, MACRO); EDGERUN_CASE_TYPE(kI64, int64_t, MACRO);         \
  EDGERUN_CASE_TYPE(kU32, uint32_t, MACRO); EDGERUN_CASE_TYPE(kU64, uint64_t, MACRO)

namespace {
template <typename T>
Status gemm_typed(KernelContext& ctx) {
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  Tensor& y = ctx.output(0);
  ref::GemmParams<T> p;
  p.trans_a = ctx.attrs().get_int("transA", 0) != 0;
  p.trans_b = ctx.attrs().get_int("transB", 0) != 0;
  p.m = y.dim(0);
  p.n = y.dim(1);
  p.k = p.trans_a ? a.dim(0) : a.dim(1);
  p.lda = a.dim(1);
  p.ldb = b.dim(1);
  p.ldc = p.n;
  p.alpha = static_cast<T>(ctx.attrs().get_float("alpha", 1.0f));
  const T beta = static_cast<T>(ctx.attrs().get_float("beta", 1.0f));
  if (ctx.has_input(2) && beta != T(0)) {
    // Y starts as beta * C broadcast to [M, N]; the product is added to it.
    const std::vector<int64_t> strides[1] = {ref::broadcast_strides(ctx.input(2).shape(), y.shape())};
    const T* c = ctx.input(2).data<T>();
    T* out = y.data<T>();
    ref::for_each_broadcast(y.shape(), strides, [&](int64_t i, const int64_t* off) { out[i] = beta * c[off[0]]; });
    p.beta = T(1);
  }
  ref::gemm(p, a.data<T>(), b.data<T>(), y.data<T>());
  return add_fused_addends(ctx);
}

// The batch offsets as one stride, if they are evenly spaced (always, unless broadcasting repeats
// a batch in a pattern one stride cannot say).
bool uniform_stride(const std::vector<int64_t>& offsets, int64_t* stride) {
  *stride = offsets.size() > 1 ? offsets[1] - offsets[0] : 0;
  for (size_t i = 1; i < offsets.size(); ++i) {
    if (offsets[i] - offsets[i - 1] != *stride) return false;
  }
  return !offsets.empty() && offsets[0] == 0;
}

// f32 batched products (attention's Q.K^T and P.V) go to the matmul family's best kernel.
bool matmul_f32_family(KernelContext& ctx, const MatMulBatches& batches) {
  kernels::MatMulArgs args;
  if (!uniform_stride(batches.a_offsets, &args.a_batch_stride) ||
      !uniform_stride(batches.b_offsets, &args.b_batch_stride)) {
    return false;
  }
  args.batch = static_cast<int64_t>(batches.a_offsets.size());
  args.m = batches.m;
  args.n = batches.n;
  args.k = batches.k;
  args.a = ctx.input(0).data<float>();
  args.a_row_stride = batches.k;
  args.b = ctx.input(1).data<float>();
  args.b_row_stride = batches.n;
  args.c = ctx.output(0).data<float>();
  kernels::choose_matmul_f32().run(args);
  return true;
}

template <typename T>
Status matmul_typed(KernelContext& ctx, const MatMulBatches& batches) {
  if constexpr (std::is_same_v<T, float>) {
    if (matmul_f32_family(ctx, batches)) return add_fused_addends(ctx);
  }
  ref::GemmParams<T> p;
  p.m = batches.m;
  p.n = batches.n;
  p.k = batches.k;
  p.lda = p.k;
  p.ldb = p.n;
  p.ldc = p.n;
  const T* a = ctx.input(0).data<T>();
  const T* b = ctx.input(1).data<T>();
  T* y = ctx.output(0).data<T>();
  for (size_t i = 0; i < batches.a_offsets.size(); ++i) {
    ref::gemm(p, a + batches.a_offsets[i], b + batches.b_offsets[i], y + static_cast<int64_t>(i) * p.m * p.n);
  }
  return add_fused_addends(ctx);
}

Status run_matmul(KernelContext& ctx, const MatMulBatches& batches) {
  switch (ctx.input(0).dtype()) {
#define EDGERUN_RUN(T) return matmul_typed<T>(ctx, batches);
    EDGERUN_MATMUL_CASES(EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}

// A MatMul of two run-time operands (attention's products): its batch offsets, laid out once at
// compile time, leave the run nothing to allocate.
class PreparedBatchedMatMul final : public PreparedOp {
 public:
  PreparedBatchedMatMul(const char* name, MatMulBatches batches) : name_(name), batches_(std::move(batches)) {}
  Status run(KernelContext& ctx, void*) const override { return run_matmul(ctx, batches_); }
  size_t scratch_bytes() const override { return 0; }
  const char* kernel_name() const override { return name_; }

 private:
  const char* name_;
  MatMulBatches batches_;
};
}  // namespace

Result<PreparedStep> prepare_matmul(const PrepareContext& pc) {
  ASSIGN_OR_RETURN(PreparedStep dense, prepare_dense(pc));
  if (dense.op) return dense;
  const KernelContext& ctx = pc.kernel;
  MatMulBatches batches = matmul_batches(ctx.input(0).shape(), ctx.input(1).shape());
  int64_t a_stride = 0, b_stride = 0;
  const bool family = ctx.input(0).dtype() == DType::kF32 && uniform_stride(batches.a_offsets, &a_stride) &&
                      uniform_stride(batches.b_offsets, &b_stride);
  PreparedStep step;
  step.op = std::make_unique<PreparedBatchedMatMul>(family ? kernels::choose_matmul_f32().name : "ref_matmul",
                                                    std::move(batches));
  return step;
}

Status run_Gemm(KernelContext& ctx) {
  switch (ctx.input(0).dtype()) {
#define EDGERUN_RUN(T) return gemm_typed<T>(ctx);
    EDGERUN_MATMUL_CASES(EDGERUN_RUN);
#undef EDGERUN_RUN
    default: return unsupported_type(ctx, ctx.input(0).dtype());
  }
}

Status run_MatMul(KernelContext& ctx) {
  return run_matmul(ctx, matmul_batches(ctx.input(0).shape(), ctx.input(1).shape()));
}

}  // namespace edgerun::ops
