// Shape rules and checks shared by the nn and quant ops' inference (graph/ops) and run functions
// (engine/ops), so both sides resolve auto_pad, axes and broadcasting the same way.
#pragma once

#include <initializer_list>
#include <vector>

#include "graph/graph.h"
#include "graph/ops/infer_context.h"

namespace edgerun::ops {

// Error naming the node unless input i is present with one of the allowed types: unsupported for f16
// (storage-only here), an invalid model for any other type.
Status expect_type(const InferContext& ctx, size_t i, std::initializer_list<DType> allowed);
// Error unless inputs i and j have the same type.
Status expect_same_type(const InferContext& ctx, size_t i, size_t j);
// Error unless input i has the given rank.
Status expect_rank(const InferContext& ctx, size_t i, int64_t rank);
// Error unless input i holds one value (scalar or any shape of one element) or, when per_axis_len > 0,
// also accepts a 1-D tensor of that many values.
Status expect_scalar_or_vector(const InferContext& ctx, size_t i, int64_t per_axis_len);

// A sliding window (Conv, pools, ConvTranspose) with auto_pad resolved, per spatial dim.
struct WindowGeometry {
  std::vector<int64_t> kernel;
  std::vector<int64_t> strides;
  std::vector<int64_t> dilations;
  std::vector<int64_t> pads_begin;
  std::vector<int64_t> pads_end;
  std::vector<int64_t> out;  // output spatial dims
};

// Conv, ConvInteger, QLinearConv, MaxPool, AveragePool: x is the input shape [N, C, spatial...],
// kernel the kernel's spatial dims. Reads strides, dilations, pads and auto_pad; ceil_mode only for
// pools (a last window that would start in the end padding is dropped, as in PyTorch and ONNX >= 1.15).
Result<WindowGeometry> window_geometry(const Node& node, const Shape& x, const std::vector<int64_t>& kernel,
                                       bool ceil_mode);
// ConvTranspose: output dims from output_shape, or auto_pad SAME_* (input * stride), or the pads.
Result<WindowGeometry> conv_transpose_geometry(const Node& node, const Shape& x, const std::vector<int64_t>& kernel);

// Kernel spatial dims from the weights' shape w, checked against a kernel_shape attribute when present.
Result<std::vector<int64_t>> conv_kernel_dims(const InferContext& ctx, const Shape& w);
// Rank and group checks of X [N, C, ...] and W for every Conv-like op.
Status check_conv_operands(const InferContext& ctx, size_t x, size_t w);
// Checks X (input x) and W (input w) of Conv, ConvInteger and QLinearConv and gives Y's shape.
Status check_conv_shapes(const InferContext& ctx, size_t x, size_t w, Shape* y);

// numpy.matmul's output shape (1-D operands promoted and their dim dropped again).
Result<Shape> matmul_output_shape(const Node& node, const Shape& a, const Shape& b);

// Which dims a Reduce* op reduces. Axes come from input 1 for ReduceSum at opset >= 13 and the other
// Reduce* ops at opset >= 18 (axes_input null when absent), from the `axes` attribute before.
// No axes: every dim, or none with noop_with_empty_axes.
bool reduce_axes_from_input(const Node& node);
Result<std::vector<bool>> reduce_axes(const Node& node, int64_t rank, const Tensor* axes_input);
Shape reduced_shape(const Shape& x, const std::vector<bool>& reduced, bool keepdims);

// The [outer, n, inner] view of x for Softmax / LogSoftmax / Hardmax: before opset 13 the input is
// coerced to 2-D at `axis` (inner = 1), from 13 on the op works along `axis` alone.
struct AxisView {
  int64_t outer = 1, n = 1, inner = 1;
};
Result<AxisView> softmax_view(const Node& node, const Shape& x);
// The [outer, n, inner] view around a normalized axis.
AxisView axis_view(const Shape& x, int64_t axis);

}  // namespace edgerun::ops
