// Early exit's block structure (operators/early_exit/exit_points.h) on the trained surrogates (PyTorch's
// ONNX names) and the zoo builders (torchvision's module names), exit point parsing, and static early
// exit checked against the model head applied by hand to the kept block's output of the original graph.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "engine/session.h"
#include "graph/onnx/onnx_importer.h"
#include "models/data/task.h"
#include "models/zoo/graph_builder.h"
#include "models/zoo/zoo.h"
#include "operators/early_exit/exit_points.h"

namespace edgerun {
namespace {

using early_exit::Block;
using early_exit::BlockStructure;

Graph load_trained(const std::string& model) {
  auto g = onnx::import_model_file(data::source_dir() + "/models/trained/" + model + "/model.onnx");
  REQUIRE_MESSAGE(g.ok(), g.status().message());
  return std::move(g.value());
}

BlockStructure blocks_of(const Graph& g) {
  auto blocks = early_exit::find_blocks(g);
  REQUIRE_MESSAGE(blocks.ok(), blocks.status().message());
  return std::move(blocks.value());
}

std::vector<size_t> stage_sizes(const BlockStructure& b) {
  std::vector<size_t> sizes;
  for (const std::vector<Block>& stage : b.stages) sizes.push_back(stage.size());
  return sizes;
}

std::vector<std::string> names(const std::vector<Block>& blocks) {
  std::vector<std::string> n;
  for (const Block& b : blocks) n.push_back(b.name);
  return n;
}

const Node& node_named(const Graph& g, const std::string& name) {
  for (const Node& n : g.nodes) {
    if (n.name == name) return n;
  }
  FAIL("no node '" << name << "'");
  return g.nodes.front();
}

size_t count_nodes_with_prefix(const Graph& g, const std::string& prefix) {
  size_t count = 0;
  for (const Node& n : g.nodes) count += n.name.compare(0, prefix.size(), prefix) == 0;
  return count;
}

std::vector<NamedTensor> run(Graph g, const std::vector<NamedTensor>& inputs) {
  auto session = Session::from_graph(std::move(g));
  REQUIRE_MESSAGE(session.ok(), session.status().message());
  std::vector<NamedTensor> outputs;
  const Status st = session.value()->run(inputs, &outputs);
  REQUIRE_MESSAGE(st.ok(), st.message());
  return outputs;
}

// ONNX Gemm (alpha = beta = 1) of x [rows, k] with the node's constant B and C, computed here.
std::vector<double> gemm_by_hand(const Graph& g, const std::string& node_name, const std::vector<double>& x,
                                 int64_t rows) {
  const Node& n = node_named(g, node_name);
  REQUIRE(n.attrs.get_float("alpha", 1.0f) == 1.0f);
  REQUIRE(n.attrs.get_float("beta", 1.0f) == 1.0f);
  REQUIRE(n.attrs.get_int("transA", 0) == 0);
  const bool trans_b = n.attrs.get_int("transB", 0) != 0;
  const Tensor& w = *g.value(n.inputs[1]).constant;
  const Tensor& c = *g.value(n.inputs[2]).constant;
  const int64_t k = trans_b ? w.dim(1) : w.dim(0), cols = trans_b ? w.dim(0) : w.dim(1);
  REQUIRE(static_cast<int64_t>(x.size()) == rows * k);
  REQUIRE(c.num_elements() == cols);
  std::vector<double> y(static_cast<size_t>(rows * cols));
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t j = 0; j < cols; ++j) {
      double acc = c.data<float>()[j];
      for (int64_t i = 0; i < k; ++i) {
        acc += x[static_cast<size_t>(r * k + i)] * w.data<float>()[trans_b ? j * k + i : i * cols + j];
      }
      y[static_cast<size_t>(r * cols + j)] = acc;
    }
  }
  return y;
}

void check_close(const Tensor& got, const std::vector<double>& want, double tolerance) {
  REQUIRE(got.num_elements() == static_cast<int64_t>(want.size()));
  double max_diff = 0;
  for (size_t i = 0; i < want.size(); ++i) max_diff = std::max(max_diff, std::fabs(got.data<float>()[i] - want[i]));
  CHECK(max_diff < tolerance);
}

TEST_CASE("early exit: blocks of the trained CNN surrogates, in PyTorch's export names") {
  struct Case {
    const char* model;
    std::vector<size_t> sizes;
  };
  for (const Case& c :
       {Case{"resnet", {1, 1, 2, 3}}, Case{"resnext", {1, 1, 2, 3}}, Case{"fcn", {1, 1, 2, 3}},
        Case{"duc", {1, 1, 2, 3}}, Case{"resnet-student", {1, 1, 1, 2}}, Case{"resnext-student", {1, 1, 1, 2}}}) {
    CAPTURE(c.model);
    const Graph g = load_trained(c.model);
    const BlockStructure b = blocks_of(g);
    CHECK(b.family == early_exit::ModelFamily::kResNet);
    CHECK(b.stage_names == std::vector<std::string>{"layer1", "layer2", "layer3", "layer4"});
    CHECK(stage_sizes(b) == c.sizes);
    for (size_t s = 0; s < b.stages.size(); ++s) {
      for (size_t k = 0; k < b.stages[s].size(); ++k) {
        const std::string block = "layer" + std::to_string(s + 1) + "." + std::to_string(k);
        CHECK(b.stages[s][k].name == block);
        // The exporter names the value after the block's last module, torchvision's third ReLU.
        CHECK(g.value(b.stages[s][k].output).name ==
              "/layer" + std::to_string(s + 1) + "/" + block + "/relu_2/Relu_output_0");
      }
    }
    CHECK(names(early_exit::default_exit_points(b)) ==
          std::vector<std::string>{"layer1.0", "layer2.0", b.stages[2].back().name});
  }
}

TEST_CASE("early exit: blocks of the trained QAT (QDQ) and pruned variants") {
  for (const char* file :
       {"resnet/qat.onnx", "resnet/pruned.onnx", "resnext/qat.onnx", "bert/qat.onnx", "bert/pruned.onnx"}) {
    CAPTURE(file);
    auto g = onnx::import_model_file(data::source_dir() + "/models/trained/" + file);
    REQUIRE_MESSAGE(g.ok(), g.status().message());
    const BlockStructure b = blocks_of(g.value());
    const bool text = std::string(file).compare(0, 4, "bert") == 0;
    CHECK(stage_sizes(b) == (text ? std::vector<size_t>{2} : std::vector<size_t>{1, 1, 2, 3}));
    const std::string last =
        text ? "/layers.1/output_norm/LayerNormalization_output_0" : "/layer4/layer4.2/relu_2/Relu_output_0";
    CHECK(g.value().value(b.stages.back().back().output).name == last);
  }
}

TEST_CASE("early exit: blocks of the trained transformer surrogates, in PyTorch's export names") {
  for (const char* model : {"bert", "roberta", "bert-student", "roberta-student"}) {
    CAPTURE(model);
    const Graph g = load_trained(model);
    const BlockStructure b = blocks_of(g);
    CHECK(b.family == early_exit::ModelFamily::kTransformer);
    CHECK(b.stage_names == std::vector<std::string>{"encoder"});
    REQUIRE(stage_sizes(b) == std::vector<size_t>{2});
    for (size_t k = 0; k < 2; ++k) {
      CHECK(b.stages[0][k].name == "layer." + std::to_string(k));
      CHECK(g.value(b.stages[0][k].output).name ==
            "/layers." + std::to_string(k) + "/output_norm/LayerNormalization_output_0");
    }
    CHECK(names(early_exit::default_exit_points(b)) == std::vector<std::string>{"layer.0"});
  }
}

// The value a block hands on is what the next block's first node (or the head) reads: a reference
// found from the builder's node names rather than from scopes.
ValueId first_input_of(const Graph& g, const std::string& node_name) { return node_named(g, node_name).inputs.at(0); }

TEST_CASE("early exit: blocks of the zoo CNNs, in torchvision's module names") {
  struct Case {
    const char* model;
    const char* prefix;  // the builder's scope of the backbone
    const char* after;   // the head's node reading layer4's last block
  };
  for (const Case& c : {Case{"resnet", "", "avgpool"}, Case{"resnet50", "", "avgpool"},
                        Case{"fcn", "backbone.", "classifier.0"}, Case{"duc", "", "fc1_cityscapes_c0"}}) {
    CAPTURE(c.model);
    zoo::BuildOptions options;
    options.image_size = 32;
    auto built = zoo::build_zoo_model(c.model, options);
    REQUIRE_MESSAGE(built.ok(), built.status().message());
    const Graph& g = built.value();
    const BlockStructure b = blocks_of(g);
    CHECK(b.family == early_exit::ModelFamily::kResNet);
    REQUIRE(stage_sizes(b) == std::vector<size_t>{3, 4, c.model == std::string("resnet50") ? 6u : 23u, 3});
    for (size_t s = 0; s < 4; ++s) {
      for (size_t k = 0; k < b.stages[s].size(); ++k) {
        const bool last_in_stage = k + 1 == b.stages[s].size();
        const std::string next =
            s == 3 && last_in_stage
                ? std::string(c.after)
                : c.prefix + (last_in_stage ? "layer" + std::to_string(s + 2) + ".0.conv1"
                                            : "layer" + std::to_string(s + 1) + "." + std::to_string(k + 1) + ".conv1");
        CHECK(b.stages[s][k].output == first_input_of(g, next));
      }
    }
    CHECK(names(early_exit::default_exit_points(b)) ==
          std::vector<std::string>{"layer1.2", "layer2.3", b.stages[2].back().name});

    Graph& skipped = built.value();
    const size_t nodes = skipped.nodes.size();
    const std::string l41 = std::string(c.prefix) + "layer4.1.", l42 = std::string(c.prefix) + "layer4.2.";
    const size_t expected_removed = count_nodes_with_prefix(skipped, l41) + count_nodes_with_prefix(skipped, l42);
    auto skip = early_exit::apply_static_skip(skipped);
    REQUIRE_MESSAGE(skip.ok(), skip.status().message());
    CHECK(skip.value().skipped_blocks == std::vector<std::string>{"layer4.1", "layer4.2"});
    CHECK(skip.value().kept_output == "layer4.0");
    CHECK(skip.value().removed_nodes == static_cast<int>(expected_removed));
    CHECK(skipped.nodes.size() == nodes - expected_removed);
    CHECK(count_nodes_with_prefix(skipped, l41) + count_nodes_with_prefix(skipped, l42) == 0);
    CHECK(first_input_of(skipped, c.after) == b.stages[3][0].output);
  }
}

TEST_CASE("early exit: blocks of the zoo transformers, in Hugging Face's module names") {
  for (const char* model : {"bert", "roberta-student"}) {
    CAPTURE(model);
    zoo::BuildOptions options;
    options.sequence_length = 8;
    auto built = zoo::build_zoo_model(model, options);
    REQUIRE_MESSAGE(built.ok(), built.status().message());
    const Graph& g = built.value();
    const BlockStructure b = blocks_of(g);
    CHECK(b.family == early_exit::ModelFamily::kTransformer);
    const size_t layers = model == std::string("bert") ? 12 : 4;
    REQUIRE(stage_sizes(b) == std::vector<size_t>{layers});
    const std::string scope = std::string(model == std::string("bert") ? "bert" : "roberta") + ".encoder.layer.";
    for (size_t k = 0; k + 1 < layers; ++k) {
      CHECK(b.stages[0][k].name == "layer." + std::to_string(k));
      CHECK(b.stages[0][k].output == first_input_of(g, scope + std::to_string(k + 1) + ".attention.self.query.MatMul"));
    }
    const std::vector<std::string> expected = layers == 12 ? std::vector<std::string>{"layer.2", "layer.5", "layer.8"}
                                                           : std::vector<std::string>{"layer.0", "layer.1", "layer.2"};
    CHECK(names(early_exit::default_exit_points(b)) == expected);

    // Static early exit skips ceil(L / 6) layers: BERT-base 2, a 4-layer student 1.
    Graph& skipped = built.value();
    const size_t skip_count = layers == 12 ? 2 : 1;
    std::vector<std::string> skipped_names;
    size_t expected_removed = 0;
    for (size_t k = layers - skip_count; k < layers; ++k) {
      skipped_names.push_back("layer." + std::to_string(k));
      expected_removed += count_nodes_with_prefix(skipped, scope + std::to_string(k) + ".");
    }
    const ValueId kept = b.stages[0][layers - skip_count - 1].output;
    const ValueId last = b.stages[0].back().output;
    std::vector<std::string> last_readers;  // the head's nodes reading the last layer
    for (const Node& n : skipped.nodes) {
      if (std::find(n.inputs.begin(), n.inputs.end(), last) != n.inputs.end()) last_readers.push_back(n.name);
    }
    REQUIRE(!last_readers.empty());
    auto skip = early_exit::apply_static_skip(skipped);
    REQUIRE_MESSAGE(skip.ok(), skip.status().message());
    CHECK(skip.value().skipped_blocks == skipped_names);
    CHECK(skip.value().kept_output == "layer." + std::to_string(layers - skip_count - 1));
    CHECK(skip.value().removed_nodes == static_cast<int>(expected_removed));
    for (const std::string& name : skipped_names) {
      CHECK(count_nodes_with_prefix(skipped, scope + name.substr(6) + ".") == 0);
    }
    for (const std::string& reader : last_readers) {
      const std::vector<ValueId>& in = node_named(skipped, reader).inputs;
      CHECK(std::find(in.begin(), in.end(), kept) != in.end());
    }
  }
}

TEST_CASE("early exit: exit points from --ee-points") {
  const Graph g = load_trained("resnet");  // blocks [1, 1, 2, 3]
  const BlockStructure b = blocks_of(g);
  auto parse = [&](const std::string& spec) { return early_exit::parse_exit_points(b, spec); };

  auto points = parse("layer2,layer3.1");
  REQUIRE_MESSAGE(points.ok(), points.status().message());
  CHECK(names(points.value()) == std::vector<std::string>{"layer2.0", "layer3.1"});
  CHECK(points.value()[0].output == b.stages[1][0].output);
  CHECK(points.value()[1].output == b.stages[2][1].output);
  points = parse(" layer1.0 , layer3 ,layer4.1");
  REQUIRE_MESSAGE(points.ok(), points.status().message());
  CHECK(names(points.value()) == std::vector<std::string>{"layer1.0", "layer3.1", "layer4.1"});

  struct Bad {
    const char* spec;
    const char* message;
  };
  for (const Bad& bad :
       {Bad{"layer5", "unknown block or stage 'layer5'"}, Bad{"layer3.2", "unknown block or stage"},
        Bad{"layer.0", "unknown block or stage"},
        Bad{"layer3,layer3.1", "'layer3.1' and 'layer3' are the same block (layer3.1)"},
        Bad{"layer2,layer3.0,layer2", "are the same block"}, Bad{"layer3.0,layer2", "'layer2' comes before 'layer3.0'"},
        Bad{"layer4", "'layer4' is the model's last block (layer4.2)"},
        Bad{"layer1,layer4.2", "'layer4.2' is the model's last block"}, Bad{"", "no exit points"},
        Bad{" ", "no exit points"}, Bad{"layer1,,layer2", "an empty name"}, Bad{"layer1,", "an empty name"}}) {
    CAPTURE(bad.spec);
    auto r = parse(bad.spec);
    REQUIRE(!r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().message().find(bad.message) != std::string::npos);
    CAPTURE(r.status().message());
  }
  // Unknown names list the valid ones: the stages before the last, and every block but the last.
  const std::string listing = parse("layer9").status().message();
  CHECK(listing.find("valid: layer1, layer2, layer3 (a stage's last block), layer1.0, layer2.0, "
                     "layer3.0..layer3.1, layer4.0..layer4.1") != std::string::npos);

  const BlockStructure text = blocks_of(load_trained("bert"));
  points = early_exit::parse_exit_points(text, "layer.0");
  REQUIRE_MESSAGE(points.ok(), points.status().message());
  CHECK(names(points.value()) == std::vector<std::string>{"layer.0"});
  CHECK(!early_exit::parse_exit_points(text, "layer.1").ok());
  CHECK(early_exit::parse_exit_points(text, "encoder").status().message().find("last block") != std::string::npos);
  CHECK(early_exit::parse_exit_points(text, "layer1.0").status().message().find("valid: layer.0") != std::string::npos);
}

std::vector<float> uniform_floats(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

TEST_CASE("early exit: static skip of the trained ResNet computes the head on layer4.0's output") {
  constexpr int64_t kBatch = 2;
  const std::vector<NamedTensor> inputs = {
      {"input", Tensor::from_vector<float>({kBatch, 1, 28, 28}, uniform_floats(kBatch * 28 * 28, 7))}};

  // Reference: the original graph, with layer4.0's output as a second graph output, and the head
  // (GlobalAveragePool, Flatten, Gemm) applied here.
  Graph original = load_trained("resnet");
  const BlockStructure b = blocks_of(original);
  original.outputs.push_back(b.stages[3][0].output);
  CHECK(node_named(original, "/avgpool/GlobalAveragePool").op == OpType::kGlobalAveragePool);
  CHECK(node_named(original, "/Flatten").op == OpType::kFlatten);
  const Graph head = original;  // its fc weights
  const std::vector<NamedTensor> reference = run(std::move(original), inputs);
  REQUIRE(reference.size() == 2);
  const Tensor& features = reference[1].tensor;  // [batch, C, H, W]
  REQUIRE(features.rank() == 4);
  const int64_t channels = features.dim(1), pixels = features.dim(2) * features.dim(3);
  std::vector<double> pooled(static_cast<size_t>(kBatch * channels));
  for (int64_t i = 0; i < kBatch * channels; ++i) {
    double sum = 0;
    for (int64_t p = 0; p < pixels; ++p) sum += features.data<float>()[i * pixels + p];
    pooled[static_cast<size_t>(i)] = sum / static_cast<double>(pixels);
  }
  const std::vector<double> expected = gemm_by_hand(head, "/fc/Gemm", pooled, kBatch);

  Graph skipped = load_trained("resnet");
  const size_t nodes = skipped.nodes.size();
  const size_t expected_removed =
      count_nodes_with_prefix(skipped, "/layer4/layer4.1/") + count_nodes_with_prefix(skipped, "/layer4/layer4.2/");
  REQUIRE(expected_removed == 14);  // conv1 relu conv2 relu_1 conv3 Add relu_2, twice
  auto skip = early_exit::apply_static_skip(skipped);
  REQUIRE_MESSAGE(skip.ok(), skip.status().message());
  CHECK(skip.value().skipped_blocks == std::vector<std::string>{"layer4.1", "layer4.2"});
  CHECK(skip.value().kept_output == "layer4.0");
  CHECK(skip.value().removed_nodes == 14);
  CHECK(skipped.nodes.size() == nodes - 14);
  CHECK(count_nodes_with_prefix(skipped, "/layer4/layer4.1/") + count_nodes_with_prefix(skipped, "/layer4/layer4.2/") ==
        0);
  const std::vector<NamedTensor> logits = run(std::move(skipped), inputs);
  REQUIRE(logits.size() == 1);
  CHECK(logits[0].name == "logits");
  check_close(logits[0].tensor, expected, 1e-5);
  // The skip changed the model's answer (the reference is not the full model's logits).
  double changed = 0;
  for (int64_t i = 0; i < logits[0].tensor.num_elements(); ++i) {
    changed =
        std::max(changed, std::fabs(double(logits[0].tensor.data<float>()[i]) - reference[0].tensor.data<float>()[i]));
  }
  CHECK(changed > 1e-3);
}

TEST_CASE("early exit: static skip of the trained BERT computes the head on layer.0's output") {
  constexpr int64_t kBatch = 2, kSeq = 128;
  std::mt19937 rng(11);
  std::uniform_int_distribution<int64_t> token(0, 5636);
  std::vector<int64_t> ids(kBatch * kSeq), mask(kBatch * kSeq, 1), types(kBatch * kSeq, 0);
  for (int64_t& id : ids) id = token(rng);
  for (int64_t t = 90; t < kSeq; ++t) mask[static_cast<size_t>(kSeq + t)] = 0;  // the second row is padded
  for (int64_t t = 40; t < kSeq; ++t) types[static_cast<size_t>(t)] = 1;
  const std::vector<NamedTensor> inputs = {{"input_ids", Tensor::from_vector<int64_t>({kBatch, kSeq}, ids)},
                                           {"attention_mask", Tensor::from_vector<int64_t>({kBatch, kSeq}, mask)},
                                           {"token_type_ids", Tensor::from_vector<int64_t>({kBatch, kSeq}, types)}};

  // Reference: layer.0's output of the original graph; the head (first token, pooler Gemm, Tanh,
  // classifier Gemm) applied here.
  Graph original = load_trained("bert");
  const BlockStructure b = blocks_of(original);
  original.outputs.push_back(b.stages[0][0].output);
  const Node& first_token = node_named(original, "/Gather_1");
  REQUIRE(first_token.attrs.get_int("axis", 0) == 1);
  const int producer = original.producers()[static_cast<size_t>(first_token.inputs[1])];
  REQUIRE(producer >= 0);
  const Tensor* index = original.nodes[static_cast<size_t>(producer)].attrs.get_tensor("value");
  REQUIRE(index != nullptr);
  REQUIRE(index->num_elements() == 1);
  REQUIRE(index->data<int64_t>()[0] == 0);
  CHECK(node_named(original, "/Tanh").op == OpType::kTanh);
  const Graph head = original;
  const std::vector<NamedTensor> reference = run(std::move(original), inputs);
  REQUIRE(reference.size() == 2);
  const Tensor& hidden = reference[1].tensor;  // [batch, seq, 64]
  REQUIRE(hidden.rank() == 3);
  const int64_t width = hidden.dim(2);
  std::vector<double> cls(static_cast<size_t>(kBatch * width));
  for (int64_t r = 0; r < kBatch; ++r) {
    for (int64_t j = 0; j < width; ++j)
      cls[static_cast<size_t>(r * width + j)] = hidden.data<float>()[r * kSeq * width + j];
  }
  std::vector<double> pooled = gemm_by_hand(head, "/pooler/Gemm", cls, kBatch);
  for (double& x : pooled) x = std::tanh(x);
  const std::vector<double> expected = gemm_by_hand(head, "/classifier/Gemm", pooled, kBatch);

  Graph skipped = load_trained("bert");
  // The nodes of layers.1, and the exporter's unscoped Constants ("Constant_122") only layers.1 reads.
  size_t expected_removed = count_nodes_with_prefix(skipped, "/layers.1/");
  for (const Node& n : skipped.nodes) {
    if (n.op != OpType::kConstant || n.name.compare(0, 10, "/layers.1/") == 0) continue;
    bool only_layer1 = true;
    for (const Node& reader : skipped.nodes) {
      if (std::find(reader.inputs.begin(), reader.inputs.end(), n.outputs[0]) != reader.inputs.end()) {
        only_layer1 = only_layer1 && reader.name.compare(0, 10, "/layers.1/") == 0;
      }
    }
    expected_removed += only_layer1;
  }
  CHECK(expected_removed == count_nodes_with_prefix(skipped, "/layers.1/") + 8);
  auto skip = early_exit::apply_static_skip(skipped);
  REQUIRE_MESSAGE(skip.ok(), skip.status().message());
  CHECK(skip.value().skipped_blocks == std::vector<std::string>{"layer.1"});
  CHECK(skip.value().kept_output == "layer.0");
  CHECK(skip.value().removed_nodes == static_cast<int>(expected_removed));
  CHECK(count_nodes_with_prefix(skipped, "/layers.1/") == 0);
  CHECK(count_nodes_with_prefix(skipped, "/layers.0/") > 0);
  const std::vector<NamedTensor> logits = run(std::move(skipped), inputs);
  REQUIRE(logits.size() == 1);
  check_close(logits[0].tensor, expected, 1e-5);
}

// Tiny graphs named like the zoo's: each named node is one Relu; `reads` lists its inputs by node.
struct TinyNode {
  std::string name;
  std::vector<std::string> reads;  // "" is the graph input
};

Graph tiny_graph(const std::vector<TinyNode>& nodes, const std::vector<std::string>& outputs) {
  zoo::GraphBuilder b("tiny", 1);
  std::map<std::string, ValueId> made{{"", b.input("x", DType::kF32, {1, 4})}};
  for (const TinyNode& n : nodes) {
    std::vector<ValueId> in;
    for (const std::string& r : n.reads) in.push_back(made.at(r));
    made[n.name] = b.op(in.size() == 1 ? "Relu" : "Add", n.name, in);
  }
  for (const std::string& o : outputs) b.output(made.at(o));
  auto g = b.finish();
  REQUIRE_MESSAGE(g.ok(), g.status().message());
  return std::move(g.value());
}

std::string find_error(const Graph& g) {
  auto r = early_exit::find_blocks(g);
  REQUIRE(!r.ok());
  return r.status().message();
}

std::string skip_error(Graph g) {
  const size_t nodes = g.nodes.size();
  auto r = early_exit::apply_static_skip(g);
  REQUIRE(!r.ok());
  CHECK(g.nodes.size() == nodes);  // the graph is untouched
  return r.status().message();
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST_CASE("early exit: graphs without a usable block structure give clear errors") {
  const Graph plain = tiny_graph({{"stem", {""}}, {"head", {"stem"}}}, {"head"});
  CHECK(early_exit::find_blocks(plain).status().code() == StatusCode::kNotFound);
  CHECK(contains(find_error(plain), "graph 'tiny' has no block structure"));
  CHECK(contains(skip_error(plain), "no block structure"));

  // Two values leave layer1.0: which one is its output?
  CHECK(contains(
      find_error(tiny_graph(
          {{"layer1.0.a", {""}}, {"layer1.0.b", {"layer1.0.a"}}, {"head", {"layer1.0.a", "layer1.0.b"}}}, {"head"})),
      "block 'layer1.0' (nodes 'layer1.0*'): its output is ambiguous, 2 values made inside it are read "
      "outside it: 'layer1.0.a_out', 'layer1.0.b_out'"));
  CHECK(contains(find_error(tiny_graph({{"layer1.0.a", {""}}, {"layer1.2.a", {"layer1.0.a"}}}, {"layer1.2.a"})),
                 "the graph has block 'layer1.2' but no 'layer1.1'"));
  CHECK(contains(find_error(tiny_graph({{"layer1.0.a", {""}}, {"layer3.0.a", {"layer1.0.a"}}}, {"layer3.0.a"})),
                 "residual blocks in layer3 but none in layer2"));
  CHECK(contains(
      find_error(tiny_graph({{"layer1.0.a", {""}}, {"encoder.layer.0.a", {"layer1.0.a"}}}, {"encoder.layer.0.a"})),
      "names both residual blocks (node 'layer1.0.a') and encoder layers (node 'encoder.layer.0.a')"));
  CHECK(contains(
      find_error(tiny_graph({{"layer1.0.a", {""}}, {"other.layer1.0.a", {"layer1.0.a"}}}, {"other.layer1.0.a"})),
      "block 'layer1.0' appears under two scopes: 'layer1.0' (node 'layer1.0.a') and 'other.layer1.0'"));
  CHECK(contains(find_error(tiny_graph({{"layer1.1.a", {""}}, {"layer1.0.a", {"layer1.1.a"}}}, {"layer1.0.a"})),
                 "block 'layer1.1' is computed before block 'layer1.0'"));
  CHECK(contains(find_error(tiny_graph({{"layer1.0.a", {""}}, {"layer1.1.a", {"layer1.0.a"}}}, {"layer1.0.a"})),
                 "block 'layer1.1' (nodes 'layer1.1*'): no value made inside it is read outside it"));

  // Blocks found, but nothing static early exit can skip.
  const Graph one_block = tiny_graph(
      {{"layer1.0.a", {""}}, {"layer1.1.a", {"layer1.0.a"}}, {"layer2.0.a", {"layer1.1.a"}}, {"head", {"layer2.0.a"}}},
      {"head"});
  CHECK(stage_sizes(blocks_of(one_block)) == std::vector<size_t>{2, 1});
  CHECK(contains(skip_error(one_block), "layer2 has only layer2.0"));
  CHECK(contains(skip_error(tiny_graph({{"layers.0.a", {""}}, {"head", {"layers.0.a"}}}, {"head"})),
                 "skips the last 1 of 1 encoder layers, which leaves none"));
  // The head also reads layer1.1, which the skip drops.
  CHECK(contains(skip_error(tiny_graph({{"layer1.0.a", {""}},
                                        {"layer1.1.a", {"layer1.0.a"}},
                                        {"layer1.2.a", {"layer1.1.a"}},
                                        {"head", {"layer1.1.a", "layer1.2.a"}}},
                                       {"head"})),
                 "node 'head' (Add) reads 'layer1.1.a_out' from node 'layer1.1.a' (Relu)"));
  // Declared shapes that differ.
  Graph reshaped =
      tiny_graph({{"layer1.0.a", {""}}, {"layer1.1.a", {"layer1.0.a"}}, {"head", {"layer1.1.a"}}}, {"head"});
  const BlockStructure rb = blocks_of(reshaped);
  reshaped.value(rb.stages[0][0].output).has_shape = true;
  reshaped.value(rb.stages[0][0].output).shape = {SymDim{1, ""}, SymDim{4, ""}};
  reshaped.value(rb.stages[0][1].output).has_shape = true;
  reshaped.value(rb.stages[0][1].output).shape = {SymDim{1, ""}, SymDim{8, ""}};
  CHECK(contains(skip_error(reshaped), "layer1.0's output 'layer1.0.a_out' [1,4] cannot replace layer1.1's output"));
}

TEST_CASE("early exit: static skip of a tiny residual graph rewires a graph output") {
  // layer1.1's output is the graph output itself: the kept block's output takes its place.
  Graph g = tiny_graph({{"layer1.0.a", {""}}, {"layer1.1.a", {"layer1.0.a"}}, {"layer1.1.b", {"layer1.1.a"}}},
                       {"layer1.1.b"});
  const ValueId kept = blocks_of(g).stages[0][0].output;
  auto skip = early_exit::apply_static_skip(g);
  REQUIRE_MESSAGE(skip.ok(), skip.status().message());
  CHECK(skip.value().removed_nodes == 2);
  CHECK(g.outputs == std::vector<ValueId>{kept});
  REQUIRE(g.nodes.size() == 1);
  CHECK(g.nodes[0].name == "layer1.0.a");
}

}  // namespace
}  // namespace edgerun
