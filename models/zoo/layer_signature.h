// Layer signature: what a model's compute layers look like after the engine's passes, in a form two
// graphs of the same architecture share whatever wrote them (a native zoo builder, a PyTorch ONNX
// export). One line per Conv / Gemm / MatMul in graph order: op, weight shape, output shape, and for
// Conv the stride, padding, dilation, groups and fused activation. The zoo tests compare a builder's
// signature with the one of torchvision's export (tests/data/zoo/*.sig, models/tools/README.md).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace edgerun::zoo {

struct LayerSignature {
  std::vector<std::string> layers;
  int64_t macs = 0;        // count_macs of the compiled graph
  int64_t parameters = 0;  // count_trainable_parameters of the graph as given
};

// Trainable parameters in PyTorch's convention: elements of the float initializers read by some node,
// except BatchNormalization's running mean and variance (buffers in PyTorch) and single-element
// constants (Clip bounds, scalar factors written by the exporter).
int64_t count_trainable_parameters(const Graph& graph);

// One line per Conv / Gemm / MatMul of a graph that has been through the engine's passes.
std::vector<std::string> layer_lines(const Graph& compiled);

// Compiles a copy of `graph` for the given input shapes (shape inference with constant folding,
// BatchNorm folding, activation fusion, dead-node elimination: the engine's Plan::compile) and lists
// its layers.
Result<LayerSignature> layer_signature(const Graph& graph, const std::map<std::string, Shape>& input_shapes);

// Text form: "params N", "macs N", then one line per layer.
std::string signature_text(const LayerSignature& signature);

}  // namespace edgerun::zoo
