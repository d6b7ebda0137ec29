// Shape inference for Softmax, LogSoftmax and Hardmax.
#include "graph/ops/nn_common.h"
#include "graph/ops/op_schema.h"

namespace edgerun::ops {

namespace {
Status infer_softmax_like(InferContext& ctx) {
  RETURN_IF_ERROR(expect_type(ctx, 0, {DType::kF32, DType::kF64}));
  RETURN_IF_ERROR(softmax_view(ctx.node(), ctx.shape(0)).status());
  ctx.set_output(0, ctx.type(0), ctx.shape(0));
  return Status::Ok();
}
}  // namespace

Status infer_Softmax(InferContext& ctx) { return infer_softmax_like(ctx); }
Status infer_LogSoftmax(InferContext& ctx) { return infer_softmax_like(ctx); }
Status infer_Hardmax(InferContext& ctx) { return infer_softmax_like(ctx); }

}  // namespace edgerun::ops
