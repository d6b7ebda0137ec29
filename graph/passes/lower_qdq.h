// Lowers the QDQ format (QuantizeLinear -> DequantizeLinear pairs around float ops, as QAT exports,
// ONNX Runtime's quantizer and operators/sptq write it) onto INT8 ops, so a quantized model runs on
// integer kernels instead of as fake-quant float:
//   DQ(x_q) , DQ(w_q) [, bias] -> Conv / Gemm / MatMul [-> Relu | Clip] [-> Q]   => QConv / QMatMul
//   DQ(a_q) , DQ(b_q) -> Add [-> Relu] -> Q                                      => QLinearAdd
//   DQ(x_q) -> GlobalAveragePool -> Q                                              => QLinearGlobalAveragePool
//   DQ(x_q) -> MaxPool / Resize(nearest) / Concat -> Q with the same parameters   => the op on uint8
// merges duplicate DQs of one tensor (exporters write one per reader) and pushes activation DQs below
// data-movement ops (Flatten, Reshape, Squeeze, Unsqueeze, Transpose)
// so the op after them sees the DQ. Where the output has no Q (or other readers besides it) the
// QConv / QMatMul keeps a float output (ONNX Runtime's MatMulIntegerToFloat), and later float fusions
// (residual Add, ReLU) apply to it. Activations must be uint8 per tensor; weights int8 constants,
// symmetric (zero point 0), per output channel or per tensor; anything else is left as it is and runs
// as fake-quant float.
//
// Run it after shape inference that did NOT fold DequantizeLinear nodes of constants (the weights),
// and before constant folding of what remains.
#pragma once

#include "graph/graph.h"

namespace edgerun {

struct QdqLoweringStats {
  int convs = 0, matmuls = 0, adds = 0, pools = 0, moved_dequantize = 0;
  int total() const { return convs + matmuls + adds + pools; }
};

QdqLoweringStats lower_qdq(Graph& graph);

// True for DequantizeLinear nodes the lowering wants to keep unfolded (a constant int8 weight).
bool is_weight_dequantize(const Graph& graph, const Node& node);

}  // namespace edgerun
