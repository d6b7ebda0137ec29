// Parameters of the tensor-family ops that both shape inference (graph/ops) and the run functions
// (engine/ops) need: computed once here from a node's attributes and input values so the two agree.
#pragma once

#include <string>
#include <vector>

#include "graph/ops/infer_context.h"

namespace edgerun {

// A node's attributes and inputs as a parameter builder sees them: each input absent, known, or
// present with a value not known yet (compile-time inference of a value fed by computed data).
class NodeArgs {
 public:
  NodeArgs(const Node& node, std::vector<bool> present, std::vector<const Tensor*> values)
      : node_(node), present_(std::move(present)), values_(std::move(values)) {}
  explicit NodeArgs(const InferContext& ctx);

  const Node& node() const { return node_; }
  const Attributes& attrs() const { return node_.attrs; }
  int opset() const { return node_.opset; }
  bool has(size_t i) const { return i < present_.size() && present_[i]; }
  // nullptr when the input is absent; a kNeedsValue error when present but not known.
  Result<const Tensor*> value(size_t i) const;
  // The input's elements as int64 (absent: `def`); the input must be an integer tensor.
  Result<std::vector<int64_t>> ints(size_t i, const std::vector<int64_t>& def = {}) const;
  Status error(const std::string& message) const { return invalid_model(node_.describe() + ": " + message); }

 private:
  const Node& node_;
  std::vector<bool> present_;
  std::vector<const Tensor*> values_;
};

// Errors unless the first `n` inputs are present (required inputs) and at most `max` are given.
Status require_inputs(const InferContext& ctx, size_t n, size_t max);

// Normalises possibly negative axes for `rank`; errors on out-of-range or repeated axes.
Result<std::vector<int64_t>> normalize_axes(const NodeArgs& args, std::vector<int64_t> axes, int64_t rank);

// Constant: the tensor its value* attribute describes.
Result<Tensor> constant_value(const NodeArgs& args);
// ConstantOfShape: the one-element fill value (f32 zero by default).
Result<Tensor> constant_of_shape_value(const NodeArgs& args);

// Shape (opset 15 start / end): the half-open range of dims it reports.
struct DimRange {
  int64_t start = 0, end = 0;
};
DimRange shape_range(const NodeArgs& args, int64_t rank);

// Transpose: the permutation (reversed dims by default), validated.
Result<std::vector<int64_t>> transpose_perm(const NodeArgs& args, int64_t rank);

// Split: the size of each output along `axis` (normalised), from the split attribute / input or an
// even split into `num_outputs`.
struct SplitParams {
  int64_t axis = 0;
  std::vector<int64_t> sizes;
};
Result<SplitParams> split_params(const NodeArgs& args, const Shape& in, size_t num_outputs);

// Slice: per-axis first element and step over all dims of the input, and the output shape.
struct SliceParams {
  std::vector<int64_t> start, step;
  Shape out;
};
Result<SliceParams> slice_params(const NodeArgs& args, const Shape& in);

// Pad: per-dim begin / end amounts (negative crops), mode and output shape. The constant value is read
// by the run function from input 2 (opset >= 11) or the `value` attribute.
struct PadParams {
  std::string mode;  // constant, reflect, edge, wrap
  std::vector<int64_t> begin, end;
  Shape out;
};
Result<PadParams> pad_params(const NodeArgs& args, const Shape& in);

// Resize and Upsample: validated mode strings, output shape, per-axis scale used by the coordinate
// transform (sizes / input dims when sizes are given), per-axis roi. Upsample and Resize-10 report
// coord "asymmetric" and nearest "simple" (their fixed behaviour).
struct ResizeGeometry {
  std::string mode, coord, nearest;
  Shape out;
  std::vector<double> scales;
  std::vector<double> roi_start, roi_end;
};
Result<ResizeGeometry> resize_geometry(const NodeArgs& args, const Shape& in);

}  // namespace edgerun
