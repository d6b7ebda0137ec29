// SPTQ: static post-training quantization as a graph-to-graph transform. A float graph and calibration
// samples in, a standard QDQ ONNX graph out (QuantizeLinear -> DequantizeLinear pairs, as ONNX
// Runtime's quantize_static writes in QDQ format): the engine lowers the QDQ patterns onto INT8
// kernels, ONNX Runtime runs the same file.
//
// Steps: (1) preparation on a copy: nodes computed from constants alone are folded (shape subgraphs are
// kept, so the result still takes any batch size), BatchNorm folded into Conv, dead nodes removed;
// activations are not fused (the output is plain ONNX). (2) collection: the float graph runs on the
// samples with every activation to quantize made a graph output; a first pass records min / max, a
// second one (percentile, entropy, mse) a 2048-bin histogram over that range (calibrators.h).
// (3) QDQ insertion (qdq_insert.h). (4) optionally the report: each quantized tensor of the QDQ graph
// run by our engine against the FP32 graph, on the first kReportSamples samples.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/session.h"
#include "graph/graph.h"
#include "operators/sptq/calibrators.h"

namespace edgerun::sptq {

constexpr size_t kReportSamples = 4;

struct SptqOptions {
  Calibrator calibrator = Calibrator::kPercentile;
  double percentile = 99.99;
  std::vector<std::string> exclude;  // node names or op types kept in float
  int threads = 1;
};

// One quantized tensor of the QDQ graph against the FP32 graph (MNN's quantization debug mode):
// SQNR = 10 log10(sum x^2 / sum (x - y)^2) in dB (inf: identical), cosine = x.y / (|x| |y|).
struct TensorReport {
  std::string tensor, op;  // op: the producing op type, "input" for a graph input
  double sqnr_db = 0.0;
  double cosine = 0.0;
};

struct SptqResult {
  Graph graph;
  std::vector<TensorReport> report;          // in graph order; filled when asked
  std::map<std::string, int> quantized_ops;  // op type -> quantized nodes
  std::vector<std::string> excluded;         // nodes kept in float by SptqOptions::exclude
  int ranges = 0;                            // activation tensors calibrated
  int quantize_nodes = 0;
  int dequantize_nodes = 0;
};

// samples: calibration batches, each one full set of named graph inputs (at least one). Errors: no
// samples, an exclude entry naming no node or op type of the graph, a model quantized already (QDQ),
// a model that does not run.
Result<SptqResult> quantize(const Graph& fp32, const std::vector<std::vector<NamedTensor>>& samples,
                            const SptqOptions& options, bool with_report = false);

// The preparation step alone (exposed for tests and tools): the graph SPTQ annotates.
Result<Graph> prepare_for_quantization(const Graph& fp32, const std::map<std::string, Shape>& input_shapes);

}  // namespace edgerun::sptq
