// Einsum equations (numpy.einsum semantics, as ONNX specifies): parsed once against the input shapes
// so that shape inference and the run function agree on every label.
#pragma once

#include <string>
#include <vector>

#include "graph/shape.h"
#include "graph/status.h"

namespace edgerun::ops {

// Labels are numbered: one id per distinct letter, and one per dim the ellipsis stands for (the
// ellipsis dims of all operands broadcast together, right-aligned, as in numpy).
struct EinsumSpec {
  std::vector<int64_t> label_sizes;              // per label id
  std::vector<std::vector<int>> operand_labels;  // per operand, per dim: its label id
  std::vector<int> output_labels;                // per output dim: its label id
};

// Parses `equation` ("ij,jk->ik", "...ii->...i", "i,i"; spaces ignored; letters a-z and A-Z) for
// inputs of the given shapes. A label's dims must agree across operands, or be 1 (broadcast); a label
// repeated within one operand takes the diagonal and its dims must be equal. Without "->" the output
// is the ellipsis dims, then every label used exactly once, in ASCII order (uppercase first).
// Errors (invalid_model) describe the problem without naming the node.
Result<EinsumSpec> parse_einsum(const std::string& equation, const std::vector<Shape>& shapes);

// The output shape of a parsed equation.
Shape einsum_output_shape(const EinsumSpec& spec);

}  // namespace edgerun::ops
