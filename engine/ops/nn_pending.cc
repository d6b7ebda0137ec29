// Placeholder definitions for the nn family while it is being written; removed when the family lands.
#include "engine/ops/op_kernels.h"
namespace edgerun::ops {
Status run_Conv(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_ConvTranspose(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_MaxPool(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_AveragePool(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_GlobalAveragePool(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_GlobalMaxPool(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_BatchNormalization(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_InstanceNormalization(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_LayerNormalization(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_Gemm(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_MatMul(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_Softmax(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_LogSoftmax(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_Hardmax(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_ReduceMean(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_ReduceSum(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_ReduceMax(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_ReduceMin(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_ReduceProd(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_ReduceLogSum(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_ReduceLogSumExp(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_ReduceSumSquare(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_ArgMax(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_ArgMin(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_ReduceL1(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_ReduceL2(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
}  // namespace edgerun::ops
