// Pruning a graph's weights (operators/prune/prune.h): the sparsity reached, the stem left dense, the
// white-box pruned variant detected and kept, and a transposed weight (MatMul [in, out]) pruned in
// output-channel blocks, its run equal to the product with the masked weight computed by hand.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "engine/session.h"
#include "graph/onnx/onnx_importer.h"
#include "models/data/task.h"
#include "models/zoo/graph_builder.h"
#include "operators/prune/prune.h"

namespace edgerun::prune {
namespace {

Graph trained(const std::string& file) {
  return onnx::import_model_file(data::source_dir() + "/models/trained/resnet/" + file).value();
}

const Tensor& weight_of(const Graph& g, const std::string& node) {
  for (const Node& n : g.nodes) {
    if (n.name == node) return *g.value(n.inputs.at(1)).constant;
  }
  FAIL("no node " << node);
  return *g.values.at(0).constant;
}

TEST_CASE("prune: global 2x1 pruning of the trained ResNet reaches the sparsity, the stem stays dense") {
  PruneOptions options;
  options.pattern = parse_pattern("2x1").value();
  const Graph dense = trained("model.onnx");
  const PruneResult r = prune_graph(dense, options).value();
  CHECK_FALSE(r.carried);
  CHECK(r.sparsity >= 0.75);
  CHECK(r.sparsity < 0.76);
  double lowest = 1, highest = 0;
  for (const LayerReport& l : r.layers) {
    CHECK(l.node != "/conv1/Conv");
    lowest = std::min(lowest, l.sparsity);
    highest = std::max(highest, l.sparsity);
  }
  CHECK(highest - lowest > 0.1);  // one global threshold: layers end up unequal
  const Tensor& stem = weight_of(r.graph, "/conv1/Conv");
  CHECK(std::memcmp(stem.raw_data(), weight_of(dense, "/conv1/Conv").raw_data(), stem.byte_size()) == 0);
  std::vector<NamedTensor> out;
  auto session = Session::from_graph(r.graph).value();
  REQUIRE(session->run({{"input", Tensor::allocate(DType::kF32, {1, 1, 28, 28}).value()}}, &out).ok());
  for (int64_t i = 0; i < out[0].tensor.num_elements(); ++i) CHECK(std::isfinite(out[0].tensor.data<float>()[i]));
}

TEST_CASE("prune: the white-box pruned ResNet is detected and kept as it is") {
  PruneOptions options;
  options.pattern = parse_pattern("2x1").value();
  const Graph pruned = trained("pruned.onnx");
  const PruneResult r = prune_graph(pruned, options).value();
  CHECK(r.carried);
  CHECK(r.sparsity >= 0.75);
  for (const LayerReport& l : r.layers) {
    const Tensor& before = weight_of(pruned, l.node);
    CHECK(std::memcmp(weight_of(r.graph, l.node).raw_data(), before.raw_data(), before.byte_size()) == 0);
  }
}

TEST_CASE("prune: a MatMul's [in, out] weight is pruned in blocks of output channels") {
  zoo::GraphBuilder b("mm", 3);
  const ValueId x = b.input("x", DType::kF32, {1, 4});
  const ValueId w = b.uniform("w", {4, 6}, -1, 1);
  b.output(b.op("MatMul", "mm", {x, w}), "y");
  const Graph g = b.finish().value();
  PruneOptions options;
  options.pattern = parse_pattern("2x1").value();
  options.sparsity = 0.5;
  options.global = false;
  const PruneResult r = prune_graph(g, options).value();
  const Tensor& pw = weight_of(r.graph, "mm");
  int64_t zeros = 0;
  for (int64_t k = 0; k < 4; ++k) {
    for (int64_t j = 0; j < 6; j += 2) {  // output channels j, j + 1 at input k: both pruned or neither
      const bool a = pw.data<float>()[k * 6 + j] == 0, c = pw.data<float>()[k * 6 + j + 1] == 0;
      CHECK(a == c);
      zeros += a + c;
    }
  }
  CHECK(zeros == 12);
  const std::vector<float> xs = {0.5f, -1, 2, 0.25f};
  std::vector<NamedTensor> out;
  REQUIRE(Session::from_graph(r.graph).value()->run({{"x", Tensor::from_vector<float>({1, 4}, xs)}}, &out).ok());
  for (int64_t j = 0; j < 6; ++j) {
    float want = 0;
    for (int64_t k = 0; k < 4; ++k) want += xs[static_cast<size_t>(k)] * pw.data<float>()[k * 6 + j];
    CHECK(out[0].tensor.data<float>()[j] == doctest::Approx(want).epsilon(1e-5));
  }
}

TEST_CASE("prune: the study's settings: 2x1 at 75% with convolutions, 4x1 at 90% without") {
  const PruneOptions cv = study_prune_options(trained("model.onnx"));
  CHECK(pattern_name(cv.pattern) == "2x1");
  CHECK(cv.sparsity == 0.75);
  const Graph bert = onnx::import_model_file(data::source_dir() + "/models/trained/bert/model.onnx").value();
  const PruneOptions text = study_prune_options(bert);
  CHECK(pattern_name(text.pattern) == "4x1");
  CHECK(text.sparsity == 0.9);
  const PruneResult r = prune_graph(bert, text).value();
  CHECK(r.sparsity >= 0.9);
  CHECK(r.layers.size() > 4);  // its linear layers
}

TEST_CASE("prune: bad sparsity and a model with nothing to prune are errors") {
  PruneOptions options;
  options.sparsity = 1.0;
  CHECK_FALSE(prune_graph(trained("model.onnx"), options).ok());
  zoo::GraphBuilder b("relu", 1);
  b.output(b.op("Relu", "r", {b.input("x", DType::kF32, {1, 4})}), "y");
  auto none = prune_graph(b.finish().value(), PruneOptions{});
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().message().find("no Conv, Gemm or MatMul") != std::string::npos);
}

}  // namespace
}  // namespace edgerun::prune
