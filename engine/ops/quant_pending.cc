// Placeholder definitions for the quant family while it is being written; removed when the family lands.
#include "engine/ops/op_kernels.h"
namespace edgerun::ops {
Status run_QuantizeLinear(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_DequantizeLinear(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_DynamicQuantizeLinear(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_QLinearConv(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_QLinearMatMul(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_ConvInteger(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_MatMulInteger(KernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
}  // namespace edgerun::ops
