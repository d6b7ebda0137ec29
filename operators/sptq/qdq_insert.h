// QDQ insertion: which nodes and tensors of a float graph are quantized, and the rewrite that puts
// QuantizeLinear -> DequantizeLinear pairs around them, as ONNX Runtime's quantize_static (QDQ format)
// does, so the result is a plain ONNX graph that our engine lowers to INT8 and ONNX Runtime runs too.
//
// - Activations: per tensor, asymmetric uint8 (u8_params of the calibrated range). One QuantizeLinear
//   per tensor; every node reading the tensor, quantized or not, reads its own DequantizeLinear of it.
//   A graph output keeps its name: the producer writes "<name>_prequant" and the last DequantizeLinear
//   writes the output.
// - Weights (constant input 1 of Conv, Gemm, MatMul): symmetric int8 per output channel, scale =
//   max|w| / 127 (1 for an all-zero channel), zero point 0, values in -127..127, stored as an int8
//   initializer read by a DequantizeLinear with `axis`: Conv 0, Gemm 0 with transB = 1 else 1, MatMul
//   the last axis (a 1-D MatMul weight: per tensor).
// - Bias (constant 1-D input 2 of Conv / Gemm with a quantized weight and activation input): int32 at
//   scale x_scale * w_scale[c], zero point 0, through a DequantizeLinear (axis 0).
// - Constant float operands of Add and Concat: a uint8 initializer at the parameters of its own range.
// - Quantized ops: Conv, Gemm, MatMul (both operands may be activations: attention), Add, MaxPool,
//   AveragePool, GlobalAveragePool, Concat, Resize; their float activation inputs and their output.
//   MaxPool and Resize outputs reuse their input's parameters (the engine runs them on uint8 as is).
//   An Add is quantized only where a quantized op reads its sum (directly or after the Relu below):
//   a sum read by float ops alone (a residual into LayerNorm, the attention mask before Softmax, whose
//   -1e4 would swamp the range) gains nothing from int8 and costs accuracy.
//   A bias Add (a float constant along the last axis) that alone reads a MatMul output belongs to the
//   MatMul: it stays float and unquantized, and the MatMul's Q follows it (the engine folds the bias
//   into the layer's int32 bias).
//   A Relu or Clip (constant bounds) that alone reads a Conv / Gemm / MatMul / Add output, which is no
//   graph output, takes the output's place: the Q follows the activation, so the lowering fuses it.
// - Excluded nodes stay float (they may still read a DequantizeLinear of a tensor others quantize).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "operators/sptq/calibrators.h"

namespace edgerun::sptq {

struct QdqSelection {
  std::vector<bool> nodes;            // per node: quantized
  std::vector<ValueId> tensors;       // activations that get a QuantizeLinear, in graph order
  std::map<ValueId, ValueId> shared;  // output -> input whose parameters it reuses (MaxPool, Resize)
};

// Whether edgerun's SPTQ quantizes this op.
bool is_quantized_op(OpType op);

// Chooses the nodes (quantized ops, not excluded, float operands: value dtypes must be set) and the
// tensors to calibrate. `excluded` has one flag per node.
QdqSelection select_qdq(const Graph& graph, const std::vector<bool>& excluded);

struct QdqInsertion {
  std::map<ValueId, ValueId> dequantized;  // quantized tensor -> a value holding its dequantized copy
  int quantize_nodes = 0;
  int dequantize_nodes = 0;
  std::map<std::string, int> quantized_ops;  // op type -> quantized nodes
};

// Rewrites `graph` (topologically sorted on return). `ranges` holds every selected tensor that is not
// in `selection.shared`. The default-domain opset is raised to 13 where lower (per-axis DQ).
Result<QdqInsertion> insert_qdq(Graph& graph, const QdqSelection& selection, const std::map<ValueId, Range>& ranges);

}  // namespace edgerun::sptq
