// Placeholder definitions for the quant family while it is being written; removed when the family lands.
#include "graph/ops/op_schema.h"
namespace edgerun::ops {
Status infer_QuantizeLinear(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_DequantizeLinear(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_DynamicQuantizeLinear(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_QLinearConv(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_QLinearMatMul(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_ConvInteger(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_MatMulInteger(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
}  // namespace edgerun::ops
