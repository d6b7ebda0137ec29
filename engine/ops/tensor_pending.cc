// Placeholder definitions for the tensor family while it is being written; removed when the family lands.
#include "engine/ops/op_kernels.h"
namespace edgerun::ops {
Status run_Constant(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_Shape(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_Size(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_Reshape(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_Flatten(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_Squeeze(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_Unsqueeze(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_Transpose(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_Concat(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_Split(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_Slice(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_Gather(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_GatherElements(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_GatherND(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_Expand(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_Tile(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_Pad(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_Resize(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_Upsample(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_DepthToSpace(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_SpaceToDepth(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_ConstantOfShape(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_Range(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_CumSum(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_TopK(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_NonZero(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_OneHot(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_Trilu(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_ScatterElements(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_ScatterND(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
}  // namespace edgerun::ops
