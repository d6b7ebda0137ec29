#include "graph/ops/nn_extra.h"

#include <string>

namespace edgerun::ops {

namespace {
Status node_error(const Node& node, const std::string& message) {
  return invalid_model(node.describe() + ": " + message);
}
}  // namespace

Result<std::vector<bool>> mvn_reduced_dims(const Node& node, int64_t rank) {
  const std::vector<int64_t> axes = node.attrs.get_ints("axes", {0, 2, 3});
  std::vector<bool> reduced(static_cast<size_t>(rank), false);
  for (int64_t axis : axes) {
    auto a = normalize_axis(axis, rank);
    if (!a.ok() || rank == 0) {
      return node_error(node, "axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
    }
    if (reduced[static_cast<size_t>(a.value())]) return node_error(node, "axis " + std::to_string(axis) + " repeats");
    reduced[static_cast<size_t>(a.value())] = true;
  }
  return reduced;
}

Result<LpNormView> lp_norm_view(const Node& node, const Shape& x) {
  const int64_t rank = static_cast<int64_t>(x.size());
  const int64_t axis_attr = node.attrs.get_int("axis", -1);
  auto axis = normalize_axis(axis_attr, rank);
  if (!axis.ok() || rank == 0) {
    return node_error(node, "axis " + std::to_string(axis_attr) + " out of range for rank " + std::to_string(rank));
  }
  const int64_t p = node.attrs.get_int("p", 2);
  if (p != 1 && p != 2) return node_error(node, "p must be 1 or 2, got " + std::to_string(p));
  return LpNormView{axis_view(x, axis.value()), static_cast<int>(p)};
}

Result<double> lp_pool_order(const Node& node) {
  const double p = node.opset >= 2 ? static_cast<double>(node.attrs.get_int("p", 2))
                                   : static_cast<double>(node.attrs.get_float("p", 2.0f));
  if (!(p > 0.0)) return node_error(node, "p must be positive");
  return p;
}

Result<WindowGeometry> unpool_geometry(const Node& node, const Shape& x) {
  if (!node.attrs.has("kernel_shape")) return node_error(node, "kernel_shape is required");
  if (node.attrs.has("dilations") || node.attrs.get_string("auto_pad", "NOTSET") != "NOTSET") {
    return node_error(node, "MaxUnpool takes no dilations or auto_pad");
  }
  // The pooled input is the "image" of a transposed window: reuse the pool geometry reader for the
  // attribute checks, then size the output as the pooling's input.
  const std::vector<int64_t> kernel = node.attrs.get_ints("kernel_shape");
  if (x.size() < 3 || kernel.size() != x.size() - 2) {
    return node_error(node, "kernel_shape " + shape_to_string(kernel) + " does not match input " + shape_to_string(x));
  }
  Shape probe = x;  // a shape large enough that the pooling reader never rejects the window
  for (size_t d = 0; d < kernel.size(); ++d) probe[d + 2] = kernel[d];
  ASSIGN_OR_RETURN(WindowGeometry g, window_geometry(node, probe, kernel, false));
  for (size_t d = 0; d < kernel.size(); ++d) {
    g.out[d] = (x[d + 2] - 1) * g.strides[d] + kernel[d] - g.pads_begin[d] - g.pads_end[d];
    if (g.out[d] < 0 || g.out[d] > kMaxElements) {
      return node_error(node, "output spatial dim " + std::to_string(d) + " would be " + std::to_string(g.out[d]));
    }
  }
  return g;
}

}  // namespace edgerun::ops
