// Placeholder definitions for the tensor family while it is being written; removed when the family lands.
#include "graph/ops/op_schema.h"
namespace edgerun::ops {
Status infer_Constant(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_Shape(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_Size(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_Reshape(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_Flatten(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_Squeeze(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_Unsqueeze(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_Transpose(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_Concat(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_Split(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_Slice(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_Gather(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_GatherElements(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_GatherND(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_Expand(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_Tile(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_Pad(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_Resize(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_Upsample(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_DepthToSpace(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_SpaceToDepth(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_ConstantOfShape(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_Range(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_CumSum(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_TopK(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_NonZero(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_OneHot(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_Trilu(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_ScatterElements(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
Status infer_ScatterND(InferContext& ctx) { return unsupported(ctx.node().describe() + ": not implemented yet"); }
}  // namespace edgerun::ops
