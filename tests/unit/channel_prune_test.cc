// Channel (structured) pruning (operators/prune, --pattern channel): the pruned graph is smaller and
// computes what the original computes with the removed channels' contribution taken out by hand: the
// reference zeroes the filter (weight row, bias) and, since a zeroed filter still leaves BatchNorm's shift
// and Relu(bias) behind, also the input channels of the convs that read it. The filters expected to go are
// chosen here from their L1 norms, the layers expected to stay from the architecture.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <set>

#include "engine/session.h"
#include "graph/model_stats.h"
#include "graph/onnx/onnx_importer.h"
#include "graph/passes/infer_shapes.h"
#include "models/data/task.h"
#include "models/zoo/cnn_layers.h"
#include "models/zoo/graph_builder.h"
#include "operators/prune/prune.h"

namespace edgerun::prune {
namespace {

const Node& node_named(const Graph& g, const std::string& name) {
  for (const Node& n : g.nodes) {
    if (n.name == name) return n;
  }
  FAIL("no node " << name);
  return g.nodes.at(0);
}

const Tensor& input_of(const Graph& g, const std::string& node, size_t input) {
  return *g.value(node_named(g, node).inputs.at(input)).constant;
}

bool same_bytes(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.raw_data(), b.raw_data(), a.byte_size()) == 0;
}

// The filters of a conv with the lowest L1 norms (the earlier on ties), `count` of them, ascending.
std::vector<int64_t> weakest_filters(const Tensor& w, size_t count) {
  const int64_t size = w.num_elements() / w.dim(0);
  std::vector<double> l1(static_cast<size_t>(w.dim(0)), 0.0);
  for (int64_t i = 0; i < w.num_elements(); ++i) l1[static_cast<size_t>(i / size)] += std::fabs(w.data<float>()[i]);
  std::vector<int64_t> order(l1.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return l1[size_t(a)] < l1[size_t(b)]; });
  order.resize(count);
  std::sort(order.begin(), order.end());
  return order;
}

// Zeroes, in a copy of input `input` of `node`, the slices [c] of axis `axis` (0: filters or a bias,
// 1: a conv's input channels).
void zero_channels(Graph& g, const std::string& node, size_t input, int axis, const std::vector<int64_t>& channels) {
  Node& n = const_cast<Node&>(node_named(g, node));
  Tensor t = g.value(n.inputs.at(input)).constant->clone();
  const int64_t outer = axis == 0 ? 1 : t.dim(0), dim = t.dim(axis);
  const int64_t inner = t.num_elements() / (outer * dim);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t c : channels) std::fill_n(t.data<float>() + (o * dim + c) * inner, inner, 0.f);
  }
  n.inputs[input] = g.add_constant(g.unique_name("zeroed"), std::move(t));
}

std::vector<float> run(const Graph& g, const std::string& input, const Tensor& x) {
  std::vector<NamedTensor> out;
  auto session = Session::from_graph(g);
  REQUIRE(session.ok());
  REQUIRE(session.value()->run({{input, x}}, &out).ok());
  const Tensor& y = out.at(0).tensor;
  return std::vector<float>(y.data<float>(), y.data<float>() + y.num_elements());
}

Tensor random_input(const Shape& shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<float> v(static_cast<size_t>(num_elements(shape)));
  for (float& f : v) f = u(rng);
  return Tensor::from_vector<float>(shape, v);
}

void check_close(const std::vector<float>& got, const std::vector<float>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-4).scale(1));
}

// MACs of each conv of a shaped graph: N * M * out spatial * (C / group) * kernel.
int64_t conv_macs(const Graph& shaped, const std::string& node) {
  const Node& n = node_named(shaped, node);
  const Tensor& w = *shaped.value(n.inputs[1]).constant;
  return num_elements(concrete_shape(shaped.value(n.outputs[0]))) * (w.num_elements() / w.dim(0));
}

Graph shaped(Graph g, const std::string& input, const Shape& shape) {
  REQUIRE(infer_shapes(g, {{input, shape}}).ok());
  return g;
}

// stem (3 -> 8) relu, conv1 (8 -> 16, 3x3, bias) BatchNorm Clip(0, 6) MaxPool, read by conv2 (16 -> 4, 3x3)
// and conv3 (16 -> 4, 1x1) whose sum is the output. Only conv1 can lose channels: the stem stays dense,
// conv2 and conv3 meet at the Add. BatchNorm's parameters are random, so a misaligned slice shows.
Graph conv_bn_relu_conv() {
  zoo::GraphBuilder b("cbrc", 5);
  ValueId x = b.input("x", DType::kF32, {1, 3, 8, 8});
  x = zoo::relu(b, zoo::conv(b, "stem", x, 3, {8, 3, 1, 1}), "stem_relu");
  x = zoo::conv(b, "conv1", x, 8, {16, 3, 1, 1, 1, 1, true});
  const ValueId scale = b.uniform("bn.scale", {16}, 0.5f, 2), shift = b.uniform("bn.shift", {16}, -1, 1);
  const ValueId mean = b.uniform("bn.mean", {16}, -0.5f, 0.5f), var = b.uniform("bn.var", {16}, 0.5f, 2);
  x = b.op("BatchNormalization", "bn", {x, scale, shift, mean, var});
  x = zoo::max_pool(b, "pool", zoo::relu6(b, x, "clip"), 2, 2, 0);
  const ValueId y2 = zoo::conv(b, "conv2", x, 16, {4, 3, 1, 1});
  const ValueId y3 = zoo::conv(b, "conv3", x, 16, {4, 1});
  b.output(b.op("Add", "add", {y2, y3}), "y");
  return b.finish().value();
}

TEST_CASE("channel prune: Conv-BN-Clip-Conv loses conv1's weakest filters, BN and both readers follow") {
  const Graph g = conv_bn_relu_conv();
  PruneOptions options;
  options.pattern = parse_pattern("channel").value();
  options.sparsity = 0.5;
  const PruneResult r = prune_graph(g, options).value();
  REQUIRE(r.layers.size() == 1);
  CHECK(r.layers[0].node == "conv1");
  CHECK(r.sparsity == 0.5);
  const std::vector<int64_t> gone = weakest_filters(input_of(g, "conv1", 1), 8);
  std::vector<int64_t> kept;
  for (int64_t c = 0; c < 16; ++c) {
    if (!std::binary_search(gone.begin(), gone.end(), c)) kept.push_back(c);
  }
  // The kept filters, BN entries and reader channels are the original ones, in order.
  const Tensor &w1 = input_of(r.graph, "conv1", 1), &w1_dense = input_of(g, "conv1", 1);
  CHECK(w1.shape() == Shape{8, 8, 3, 3});
  for (size_t k = 0; k < kept.size(); ++k) {
    CHECK(std::memcmp(w1.data<float>() + k * 72, w1_dense.data<float>() + kept[k] * 72, 72 * sizeof(float)) == 0);
    CHECK(input_of(r.graph, "conv1", 2).data<float>()[k] == input_of(g, "conv1", 2).data<float>()[kept[k]]);
    for (size_t p = 1; p <= 4; ++p)
      CHECK(input_of(r.graph, "bn", p).data<float>()[k] == input_of(g, "bn", p).data<float>()[kept[k]]);
  }
  CHECK(input_of(r.graph, "conv2", 1).shape() == Shape{4, 8, 3, 3});
  CHECK(input_of(r.graph, "conv3", 1).shape() == Shape{4, 8, 1, 1});
  CHECK(same_bytes(input_of(r.graph, "stem", 1), input_of(g, "stem", 1)));

  Graph reference = g;
  zero_channels(reference, "conv1", 1, 0, gone);
  zero_channels(reference, "conv1", 2, 0, gone);
  const Tensor x = random_input({1, 3, 8, 8}, 11);
  const std::vector<float> pruned = run(r.graph, "x", x);
  // Zeroing the filters alone leaves BN's shift flowing on: not the pruned graph.
  const std::vector<float> shift_left = run(reference, "x", x);
  double differs = 0;
  for (size_t i = 0; i < pruned.size(); ++i) differs = std::max(differs, double(std::fabs(pruned[i] - shift_left[i])));
  CHECK(differs > 1e-2);
  zero_channels(reference, "conv2", 1, 1, gone);
  zero_channels(reference, "conv3", 1, 1, gone);
  check_close(pruned, run(reference, "x", x));

  // MACs: conv1 loses half its filters, conv2 and conv3 half their input channels.
  const Graph before = shaped(g, "x", {1, 3, 8, 8});
  const int64_t drop = (conv_macs(before, "conv1") + conv_macs(before, "conv2") + conv_macs(before, "conv3")) / 2;
  CHECK(count_macs(shaped(r.graph, "x", {1, 3, 8, 8})) == count_macs(before) - drop);
}

TEST_CASE("channel prune: a global threshold compares filters within their layer's scale") {
  // stem, then conv1 (x100 weights) relu conv2 relu conv3 -> output: conv1 and conv2 can lose filters.
  auto build = [](float scale1) {
    zoo::GraphBuilder b("chain", 9);
    ValueId x = b.input("x", DType::kF32, {1, 2, 6, 6});
    x = zoo::relu(b, zoo::conv(b, "stem", x, 2, {8, 3, 1, 1}), "r0");
    x = zoo::relu(b, zoo::conv(b, "conv1", x, 8, {12, 3, 1, 1}), "r1");
    x = zoo::relu(b, zoo::conv(b, "conv2", x, 12, {10, 1}), "r2");
    b.output(zoo::conv(b, "conv3", x, 10, {3, 1}), "y");
    Graph g = b.finish().value();
    Tensor& w = *g.value(node_named(g, "conv1").inputs[1]).constant;
    for (int64_t i = 0; i < w.num_elements(); ++i) w.data<float>()[i] *= scale1;
    return g;
  };
  PruneOptions options;
  options.pattern = parse_pattern("channel").value();
  options.sparsity = 0.5;
  const PruneResult plain = prune_graph(build(1), options).value();
  REQUIRE(plain.layers.size() == 2);
  CHECK(plain.sparsity >= 0.5);
  for (size_t l = 0; l < 2; ++l) {
    // Raw L1 norms would empty conv2 (1x1, small norms) first, or conv1 once scaled down.
    CHECK(plain.layers[l].sparsity > 0.1);
    CHECK(plain.layers[l].sparsity < 0.85);
  }
  for (float scale : {0.01f, 100.f}) {
    const PruneResult scaled = prune_graph(build(scale), options).value();
    for (size_t l = 0; l < 2; ++l) CHECK(plain.layers[l].sparsity == scaled.layers[l].sparsity);
    CHECK(input_of(plain.graph, "conv2", 1).shape() == input_of(scaled.graph, "conv2", 1).shape());
    CHECK(run(scaled.graph, "x", random_input({1, 2, 6, 6}, 3)).size() == 3 * 36);
  }
}

TEST_CASE("channel prune: a layer keeps its largest filter; depthwise convs follow, grouped ones stop") {
  // stem, conv1 relu depthwise relu conv3 relu grouped (2 groups of 8) relu conv5 -> output: conv1's channels
  // pass the depthwise conv to conv3; conv3 feeds the grouped conv and stays, as do it and conv5.
  zoo::GraphBuilder b("dw", 4);
  ValueId x = b.input("x", DType::kF32, {1, 3, 6, 6});
  x = zoo::relu(b, zoo::conv(b, "stem", x, 3, {8, 3, 1, 1}), "r0");
  x = zoo::relu(b, zoo::conv(b, "conv1", x, 8, {8, 1, 1, 0, 1, 1, true}), "r1");
  x = zoo::relu(b, zoo::conv(b, "dw", x, 8, {8, 3, 1, 1, 1, 8, true}), "r2");
  x = zoo::relu(b, zoo::conv(b, "conv3", x, 8, {16, 1}), "r3");
  x = zoo::relu(b, zoo::conv(b, "grouped", x, 16, {16, 3, 1, 1, 1, 2}), "r4");
  b.output(zoo::conv(b, "conv5", x, 16, {4, 1}), "y");
  const Graph g = b.finish().value();
  PruneOptions options;
  options.pattern = parse_pattern("channel").value();
  options.sparsity = 0.99;  // every filter, but the layer keeps one
  options.global = false;
  const PruneResult r = prune_graph(g, options).value();
  REQUIRE(r.layers.size() == 1);
  CHECK(r.layers[0].node == "conv1");
  const Tensor &w1 = input_of(g, "conv1", 1), &dw = input_of(g, "dw", 1);
  const int64_t largest = weakest_filters(w1, 8).back();
  CHECK(input_of(r.graph, "conv1", 1).shape() == Shape{1, 8, 1, 1});
  CHECK(std::memcmp(input_of(r.graph, "conv1", 1).raw_data(), w1.data<float>() + largest * 8, 8 * sizeof(float)) == 0);
  CHECK(input_of(r.graph, "dw", 1).shape() == Shape{1, 1, 3, 3});
  CHECK(std::memcmp(input_of(r.graph, "dw", 1).raw_data(), dw.data<float>() + largest * 9, 9 * sizeof(float)) == 0);
  CHECK(input_of(r.graph, "dw", 2).data<float>()[0] == input_of(g, "dw", 2).data<float>()[largest]);
  CHECK(node_named(r.graph, "dw").attrs.get_int("group", 0) == 1);
  CHECK(input_of(r.graph, "conv3", 1).shape() == Shape{16, 1, 1, 1});
  for (const char* stays : {"stem", "grouped", "conv5"})
    CHECK(same_bytes(input_of(r.graph, stays, 1), input_of(g, stays, 1)));
  Graph reference = g;
  std::vector<int64_t> gone;
  for (int64_t c = 0; c < 8; ++c) {
    if (c != largest) gone.push_back(c);
  }
  zero_channels(reference, "conv3", 1, 1, gone);
  const Tensor x_in = random_input({1, 3, 6, 6}, 5);
  check_close(run(r.graph, "x", x_in), run(reference, "x", x_in));
}

Graph trained(const std::string& model) {
  return onnx::import_model_file(data::source_dir() + "/models/trained/" + model + "/model.onnx").value();
}

TEST_CASE("channel prune: the trained ResNet loses half of each bottleneck's conv1 and conv2 filters") {
  const Graph g = trained("resnet");
  PruneOptions options;
  options.pattern = parse_pattern("channel").value();
  options.sparsity = 0.5;
  options.global = false;
  const PruneResult r = prune_graph(g, options).value();
  // conv1 -> relu -> conv2 -> relu -> conv3 in every block; conv3 and the downsample meet at the Add.
  std::vector<std::string> blocks;
  for (const Node& n : g.nodes) {
    if (n.op == OpType::kConv && n.name.size() > 11 && n.name.compare(n.name.size() - 11, 11, "/conv1/Conv") == 0 &&
        n.name != "/conv1/Conv")
      blocks.push_back(n.name.substr(0, n.name.size() - 11));
  }
  REQUIRE(blocks.size() == 7);
  std::set<std::string> expected, reported;
  for (const std::string& block : blocks) expected.insert({block + "/conv1/Conv", block + "/conv2/Conv"});
  for (const LayerReport& l : r.layers) {
    reported.insert(l.node);
    CHECK(l.sparsity == 0.5);
  }
  CHECK(reported == expected);
  Graph reference = g;
  const Graph before = shaped(g, "input", {1, 1, 28, 28});
  int64_t drop = 0;
  for (const std::string& block : blocks) {
    for (const char* conv : {"/conv1/Conv", "/conv2/Conv"}) {
      const Tensor& w = input_of(g, block + conv, 1);
      const std::vector<int64_t> gone = weakest_filters(w, static_cast<size_t>(w.dim(0) / 2));
      const std::string reader = block + (conv[5] == '1' ? "/conv2/Conv" : "/conv3/Conv");
      zero_channels(reference, block + conv, 1, 0, gone);
      zero_channels(reference, block + conv, 2, 0, gone);
      zero_channels(reference, reader, 1, 1, gone);
    }
    // conv1 keeps half its filters, conv2 a quarter of its weights, conv3 half its input channels.
    drop += conv_macs(before, block + "/conv1/Conv") / 2 + conv_macs(before, block + "/conv2/Conv") * 3 / 4 +
            conv_macs(before, block + "/conv3/Conv") / 2;
  }
  for (const Node& n : g.nodes) {
    if (n.op == OpType::kConv && !expected.count(n.name) && n.name.find("conv3") == std::string::npos)
      CHECK(same_bytes(input_of(r.graph, n.name, 1), input_of(g, n.name, 1)));  // stem, downsamples
  }
  CHECK(same_bytes(input_of(r.graph, "/fc/Gemm", 1), input_of(g, "/fc/Gemm", 1)));
  const Tensor x = random_input({1, 1, 28, 28}, 21);
  check_close(run(r.graph, "input", x), run(reference, "input", x));
  CHECK(count_macs(shaped(r.graph, "input", {1, 1, 28, 28})) == count_macs(before) - drop);
}

TEST_CASE("channel prune: global on the trained ResNet; no room, no Conv and bad sparsity are errors") {
  PruneOptions options;
  options.pattern = parse_pattern("channel").value();
  options.sparsity = 0.5;
  const PruneResult r = prune_graph(trained("resnet"), options).value();
  CHECK(r.sparsity >= 0.5);
  CHECK(r.sparsity < 0.52);
  CHECK(r.layers.size() == 14);
  CHECK(run(r.graph, "input", random_input({1, 1, 28, 28}, 2)).size() == 10);
  // ResNeXt: conv1 feeds the grouped conv2, conv3 the Add: nothing may go.
  auto resnext = prune_graph(trained("resnext"), options);
  REQUIRE_FALSE(resnext.ok());
  CHECK(resnext.status().message().find("grouped conv") != std::string::npos);
  auto bert = prune_graph(trained("bert"), options);
  REQUIRE_FALSE(bert.ok());
  CHECK(bert.status().message().find("no Conv") != std::string::npos);
  for (double bad : {-0.1, 1.0}) {
    options.sparsity = bad;
    CHECK_FALSE(prune_graph(conv_bn_relu_conv(), options).ok());
  }
}

}  // namespace
}  // namespace edgerun::prune
