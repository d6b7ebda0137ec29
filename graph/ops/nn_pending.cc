// Placeholder definitions for the nn family while it is being written; removed when the family lands.
#include "graph/ops/op_schema.h"
namespace edgerun::ops {
Status infer_Conv(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_ConvTranspose(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_MaxPool(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_AveragePool(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_GlobalAveragePool(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_GlobalMaxPool(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_BatchNormalization(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_InstanceNormalization(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_LayerNormalization(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_Gemm(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_MatMul(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_Softmax(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_LogSoftmax(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_Hardmax(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_ReduceMean(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_ReduceSum(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_ReduceMax(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_ReduceMin(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_ReduceProd(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_ReduceLogSum(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_ReduceLogSumExp(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_ReduceSumSquare(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_ArgMax(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_ArgMin(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_ReduceL1(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_ReduceL2(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
}  // namespace edgerun::ops
