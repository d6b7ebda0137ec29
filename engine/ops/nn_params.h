// Kernel parameters of the nn and quant run functions, built from a node and its input shapes with
// the same shape rules inference used (graph/ops/nn_common.h).
#pragma once

#include <vector>

#include "engine/ops/kernel_context.h"
#include "graph/ops/nn_common.h"
#include "kernels/ref/nn/conv.h"

namespace edgerun::ops {

// ConvParams of Conv / ConvInteger / QLinearConv (transpose false) or ConvTranspose (true) for input
// x and weights w of the context.
Result<ref::ConvParams> conv_params(const KernelContext& ctx, size_t x, size_t w, bool transpose);

// The matrices of a (batched, broadcast) numpy matmul of shapes a and b: every output matrix i is
// A[a_offsets[i]..] [m, k] times B[b_offsets[i]..] [k, n], offsets in elements.
struct MatMulBatches {
  int64_t m = 0, n = 0, k = 0;
  std::vector<int64_t> a_offsets, b_offsets;
};
MatMulBatches matmul_batches(const Shape& a, const Shape& b);

// Dispatch helpers for run functions: `return ctx.unsupported_here(...)` for an unhandled type.
Status unsupported_type(const KernelContext& ctx, DType t);

}  // namespace edgerun::ops
