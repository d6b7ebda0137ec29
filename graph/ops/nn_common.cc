#include "graph/ops/nn_common.h"

#include <algorithm>
#include <string>

namespace edgerun::ops {

namespace {
Status node_error(const Node& node, const std::string& message) {
  return invalid_model(node.describe() + ": " + message);
}

std::string ints_to_string(const std::vector<int64_t>& v) { return shape_to_string(v); }

// floor(a / b) for b > 0.
int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

// Caps on window attributes from untrusted models, so that size arithmetic cannot overflow int64:
// strides and dilations up to 2^20, pads and output sizes up to kMaxElements (2^40).
constexpr int64_t kMaxStep = int64_t{1} << 20;

// Reads an ints attribute that must have `size` entries (default `fill` when absent) in [min, max].
Result<std::vector<int64_t>> sized_ints(const Node& node, const char* name, size_t size, int64_t fill, int64_t min,
                                        int64_t max) {
  std::vector<int64_t> v = node.attrs.get_ints(name, std::vector<int64_t>(size, fill));
  if (v.size() != size) {
    return node_error(node, std::string(name) + " " + ints_to_string(v) + " must have " + std::to_string(size) +
                                " values");
  }
  for (int64_t x : v) {
    if (x < min || x > max) {
      return node_error(node, std::string(name) + " " + ints_to_string(v) + " has a value outside [" +
                                  std::to_string(min) + ", " + std::to_string(max) + "]");
    }
  }
  return v;
}

// The number of spatial dims of x, checked against the kernel's.
Result<size_t> spatial_rank(const Node& node, const Shape& x, const std::vector<int64_t>& kernel) {
  if (x.size() < 3) return node_error(node, "input shape " + shape_to_string(x) + " has no spatial dims");
  if (kernel.size() != x.size() - 2) {
    return node_error(node, "kernel shape " + ints_to_string(kernel) + " does not match input " + shape_to_string(x));
  }
  for (int64_t k : kernel) {
    if (k < 1 || k > kMaxElements) return node_error(node, "kernel shape " + ints_to_string(kernel) + " is invalid");
  }
  return x.size() - 2;
}

Status check_auto_pad(const Node& node, const std::string& auto_pad) {
  if (auto_pad == "NOTSET" || auto_pad == "VALID" || auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    return Status::Ok();
  }
  return node_error(node, "unknown auto_pad '" + auto_pad + "'");
}
}  // namespace

Status expect_type(const InferContext& ctx, size_t i, std::initializer_list<DType> allowed) {
  if (!ctx.has_input(i)) return ctx.error("input " + std::to_string(i) + " is missing");
  const DType t = ctx.type(i);
  if (std::find(allowed.begin(), allowed.end(), t) != allowed.end()) return Status::Ok();
  std::string names;
  for (DType a : allowed) names += std::string(names.empty() ? "" : ", ") + dtype_name(a);
  const std::string message =
      "input " + std::to_string(i) + " has type " + dtype_name(t) + "; expected one of " + names;
  if (t == DType::kF16) return unsupported(ctx.node().describe() + ": " + message);
  return ctx.error(message);
}

Status expect_same_type(const InferContext& ctx, size_t i, size_t j) {
  if (ctx.type(i) == ctx.type(j)) return Status::Ok();
  return ctx.error("inputs " + std::to_string(i) + " and " + std::to_string(j) + " have different types " +
                   dtype_name(ctx.type(i)) + " and " + dtype_name(ctx.type(j)));
}

Status expect_rank(const InferContext& ctx, size_t i, int64_t rank) {
  if (ctx.rank(i) == rank) return Status::Ok();
  return ctx.error("input " + std::to_string(i) + " has shape " + shape_to_string(ctx.shape(i)) + "; expected rank " +
                   std::to_string(rank));
}

Status expect_scalar_or_vector(const InferContext& ctx, size_t i, int64_t per_axis_len) {
  const Shape& s = ctx.shape(i);
  if (num_elements(s) == 1 && s.size() <= 1) return Status::Ok();
  if (per_axis_len > 0 && s.size() == 1 && s[0] == per_axis_len) return Status::Ok();
  return ctx.error("input " + std::to_string(i) + " has shape " + shape_to_string(s) + "; expected a scalar" +
                   (per_axis_len > 0 ? " or [" + std::to_string(per_axis_len) + "]" : std::string()));
}

Result<WindowGeometry> window_geometry(const Node& node, const Shape& x, const std::vector<int64_t>& kernel,
                                       bool ceil_mode) {
  ASSIGN_OR_RETURN(const size_t r, spatial_rank(node, x, kernel));
  WindowGeometry g;
  g.kernel = kernel;
  ASSIGN_OR_RETURN(g.strides, sized_ints(node, "strides", r, 1, 1, kMaxStep));
  ASSIGN_OR_RETURN(g.dilations, sized_ints(node, "dilations", r, 1, 1, kMaxStep));
  ASSIGN_OR_RETURN(std::vector<int64_t> pads, sized_ints(node, "pads", 2 * r, 0, 0, kMaxElements));
  const std::string auto_pad = node.attrs.get_string("auto_pad", "NOTSET");
  RETURN_IF_ERROR(check_auto_pad(node, auto_pad));
  g.pads_begin.assign(pads.begin(), pads.begin() + static_cast<std::ptrdiff_t>(r));
  g.pads_end.assign(pads.begin() + static_cast<std::ptrdiff_t>(r), pads.end());
  g.out.resize(r);
  for (size_t d = 0; d < r; ++d) {
    const int64_t in = x[d + 2];
    const int64_t s = g.strides[d];
    const int64_t dk = (kernel[d] - 1) * g.dilations[d] + 1;  // dilated kernel extent
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      g.out[d] = ceil_div(in, s);
      const int64_t total = std::max<int64_t>(0, (g.out[d] - 1) * s + dk - in);
      const int64_t small = total / 2;
      g.pads_begin[d] = auto_pad == "SAME_UPPER" ? small : total - small;
      g.pads_end[d] = total - g.pads_begin[d];
      continue;
    }
    if (auto_pad == "VALID") g.pads_begin[d] = g.pads_end[d] = 0;
    const int64_t span = in + g.pads_begin[d] + g.pads_end[d] - dk;
    if (span < 0) {
      return node_error(node, "kernel extent " + std::to_string(dk) + " exceeds padded input dim " +
                                  std::to_string(in + g.pads_begin[d] + g.pads_end[d]));
    }
    if (ceil_mode && auto_pad == "NOTSET") {
      g.out[d] = ceil_div(span, s) + 1;
      if ((g.out[d] - 1) * s >= in + g.pads_begin[d]) --g.out[d];
    } else {
      g.out[d] = span / s + 1;
    }
  }
  return g;
}

Result<std::vector<int64_t>> conv_kernel_dims(const InferContext& ctx, const Shape& w) {
  std::vector<int64_t> kernel(w.begin() + 2, w.end());
  const std::vector<int64_t> attr = ctx.attrs().get_ints("kernel_shape");
  if (!attr.empty() && attr != kernel) {
    return ctx.error("kernel_shape " + shape_to_string(attr) + " does not match weights " + shape_to_string(w));
  }
  return kernel;
}

Status check_conv_operands(const InferContext& ctx, size_t x, size_t w) {
  if (ctx.rank(x) < 3) return ctx.error("input " + shape_to_string(ctx.shape(x)) + " needs rank >= 3");
  if (ctx.rank(w) != ctx.rank(x)) {
    return ctx.error("weights " + shape_to_string(ctx.shape(w)) + " and input " + shape_to_string(ctx.shape(x)) +
                     " differ in rank");
  }
  const int64_t group = ctx.attrs().get_int("group", 1);
  if (group < 1 || group > std::max<int64_t>(ctx.shape(x)[1], 1)) {
    return ctx.error("group " + std::to_string(group) + " must be in [1, input channels]");
  }
  return Status::Ok();
}

Status check_conv_shapes(const InferContext& ctx, size_t x_index, size_t w_index, Shape* y) {
  RETURN_IF_ERROR(check_conv_operands(ctx, x_index, w_index));
  const Shape& x = ctx.shape(x_index);
  const Shape& w = ctx.shape(w_index);
  const int64_t group = ctx.attrs().get_int("group", 1);
  if (x[1] % group != 0 || x[1] / group != w[1] || w[0] % group != 0) {
    return ctx.error("input " + shape_to_string(x) + " and weights " + shape_to_string(w) + " do not fit group " +
                     std::to_string(group));
  }
  ASSIGN_OR_RETURN(std::vector<int64_t> kernel, conv_kernel_dims(ctx, w));
  ASSIGN_OR_RETURN(WindowGeometry g, window_geometry(ctx.node(), x, kernel, false));
  *y = {x[0], w[0]};
  y->insert(y->end(), g.out.begin(), g.out.end());
  return Status::Ok();
}

Result<WindowGeometry> conv_transpose_geometry(const Node& node, const Shape& x, const std::vector<int64_t>& kernel) {
  ASSIGN_OR_RETURN(const size_t r, spatial_rank(node, x, kernel));
  WindowGeometry g;
  g.kernel = kernel;
  ASSIGN_OR_RETURN(g.strides, sized_ints(node, "strides", r, 1, 1, kMaxStep));
  ASSIGN_OR_RETURN(g.dilations, sized_ints(node, "dilations", r, 1, 1, kMaxStep));
  ASSIGN_OR_RETURN(std::vector<int64_t> pads, sized_ints(node, "pads", 2 * r, 0, 0, kMaxElements));
  ASSIGN_OR_RETURN(std::vector<int64_t> output_padding, sized_ints(node, "output_padding", r, 0, 0, kMaxElements));
  const std::string auto_pad = node.attrs.get_string("auto_pad", "NOTSET");
  RETURN_IF_ERROR(check_auto_pad(node, auto_pad));
  std::vector<int64_t> output_shape = node.attrs.get_ints("output_shape");
  if (output_shape.size() == r + 2) output_shape.erase(output_shape.begin(), output_shape.begin() + 2);
  for (int64_t d : output_shape) {
    if (d < 1 || d > kMaxElements) return node_error(node, "output_shape " + ints_to_string(output_shape) + " is invalid");
  }
  if (!output_shape.empty() && output_shape.size() != r) {
    return node_error(node, "output_shape " + ints_to_string(output_shape) + " does not match input " +
                                shape_to_string(x));
  }
  const bool same = auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER";
  g.pads_begin.assign(pads.begin(), pads.begin() + static_cast<std::ptrdiff_t>(r));
  g.pads_end.assign(pads.begin() + static_cast<std::ptrdiff_t>(r), pads.end());
  g.out.resize(r);
  for (size_t d = 0; d < r; ++d) {
    const int64_t in = x[d + 2];
    const int64_t s = g.strides[d];
    const int64_t full = s * (in - 1) + output_padding[d] + (kernel[d] - 1) * g.dilations[d] + 1;
    if (!output_shape.empty() || same) {
      // The padding is whatever makes the full output the requested size; negative total padding
      // (a larger request) extends the end, hence the floor division.
      g.out[d] = !output_shape.empty() ? output_shape[d] : in * s;
      const int64_t total = full - g.out[d];
      const int64_t half = floor_div(total, 2);
      g.pads_begin[d] = auto_pad == "SAME_UPPER" ? half : total - half;
      g.pads_end[d] = total - g.pads_begin[d];
    } else {
      if (auto_pad == "VALID") g.pads_begin[d] = g.pads_end[d] = 0;
      g.out[d] = full - g.pads_begin[d] - g.pads_end[d];
    }
    if (g.out[d] < 1) {
      return node_error(node, "output spatial dim " + std::to_string(d) + " would be " + std::to_string(g.out[d]));
    }
  }
  return g;
}

Result<Shape> matmul_output_shape(const Node& node, const Shape& a, const Shape& b) {
  if (a.empty() || b.empty()) return node_error(node, "MatMul operands must have rank >= 1");
  const Shape a2 = a.size() == 1 ? Shape{1, a[0]} : a;
  const Shape b2 = b.size() == 1 ? Shape{b[0], 1} : b;
  const int64_t m = a2[a2.size() - 2], k = a2.back(), n = b2.back();
  if (b2[b2.size() - 2] != k) {
    return node_error(node, "shapes " + shape_to_string(a) + " and " + shape_to_string(b) + " cannot be multiplied");
  }
  auto batch = broadcast_shapes(Shape(a2.begin(), a2.end() - 2), Shape(b2.begin(), b2.end() - 2));
  if (!batch.ok()) return batch.status().with_context(node.describe());
  Shape out = batch.value();
  if (a.size() > 1) out.push_back(m);
  if (b.size() > 1) out.push_back(n);
  return out;
}

bool reduce_axes_from_input(const Node& node) {
  return node.op == OpType::kReduceSum ? node.opset >= 13 : node.opset >= 18;
}

Result<std::vector<bool>> reduce_axes(const Node& node, int64_t rank, const Tensor* axes_input) {
  std::vector<int64_t> axes;
  bool noop_with_empty_axes = false;
  if (reduce_axes_from_input(node)) {
    if (axes_input != nullptr) axes = axes_input->to_int64_vector();
    noop_with_empty_axes = node.attrs.get_int("noop_with_empty_axes", 0) != 0;
  } else {
    axes = node.attrs.get_ints("axes");
  }
  std::vector<bool> reduced(static_cast<size_t>(rank), axes.empty() && !noop_with_empty_axes);
  for (int64_t axis : axes) {
    auto a = normalize_axis(axis, rank);
    if (!a.ok() || rank == 0) return node_error(node, "axis " + std::to_string(axis) + " out of range for rank " +
                                                          std::to_string(rank));
    if (reduced[static_cast<size_t>(a.value())]) return node_error(node, "axis " + std::to_string(axis) + " repeats");
    reduced[static_cast<size_t>(a.value())] = true;
  }
  return reduced;
}

Shape reduced_shape(const Shape& x, const std::vector<bool>& reduced, bool keepdims) {
  Shape out;
  for (size_t d = 0; d < x.size(); ++d) {
    if (!reduced[d]) {
      out.push_back(x[d]);
    } else if (keepdims) {
      out.push_back(1);
    }
  }
  return out;
}

AxisView axis_view(const Shape& x, int64_t axis) {
  AxisView v;
  for (int64_t d = 0; d < static_cast<int64_t>(x.size()); ++d) {
    const int64_t dim = x[static_cast<size_t>(d)];
    if (d < axis) v.outer *= dim;
    if (d == axis) v.n = dim;
    if (d > axis) v.inner *= dim;
  }
  return v;
}

Result<AxisView> softmax_view(const Node& node, const Shape& x) {
  const int64_t rank = static_cast<int64_t>(x.size());
  const bool coerce = node.opset < 13;
  const int64_t axis_attr = node.attrs.get_int("axis", coerce ? 1 : -1);
  if (rank == 0) return AxisView{};
  auto axis = normalize_axis(axis_attr, rank);
  // Before opset 13 axis may equal rank (everything in the outer part).
  if (coerce && axis_attr == rank) axis = rank;
  if (!axis.ok()) return axis.status().with_context(node.describe());
  if (!coerce) return axis_view(x, axis.value());
  AxisView v;
  for (int64_t d = 0; d < rank; ++d) (d < axis.value() ? v.outer : v.n) *= x[static_cast<size_t>(d)];
  return v;
}

}  // namespace edgerun::ops
