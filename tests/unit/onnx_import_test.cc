// ONNX import of models: real files from the ONNX test data and hand-built models for the graph rules.
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "graph/onnx/onnx_importer.h"
#include "tests/util/onnx_builder.h"

namespace edgerun::onnx {
namespace {

namespace fs = std::filesystem;
using testing::ProtoWriter;
using namespace testing::onnx_pb;  // NOLINT: builders read as a small DSL

const fs::path kOnnxData = "/usr/share/libonnx-testdata/data";

bool contains(const Status& st, const std::string& text) { return st.message().find(text) != std::string::npos; }

Result<Graph> import(const ProtoWriter& model, const std::string& dir = "") {
  return import_model_bytes(model.data(), model.size(), dir);
}

std::vector<uint8_t> file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

const Node* find_node(const Graph& g, const std::string& name) {
  for (const Node& n : g.nodes) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

Shape known_dims(const Value& v) {
  Shape s;
  for (const SymDim& d : v.shape) s.push_back(d.size);
  return s;
}

TEST_CASE("imports a real Conv model with its attributes and declared shapes") {
  const fs::path dir = kOnnxData / "node/test_conv_with_strides_padding";
  if (!fs::exists(dir)) return;  // libonnx-testdata not installed
  Result<Graph> g = import_model_file((dir / "model.onnx").string());
  REQUIRE_MESSAGE(g.ok(), g.status().to_string());
  CHECK(g->name == "test_conv_with_strides_padding");
  CHECK(g->opsets.at("") == 11);
  REQUIRE(g->nodes.size() == 1);
  const Node& conv = g->nodes[0];
  CHECK(conv.op == OpType::kConv);
  CHECK(conv.op_type == "Conv");
  CHECK(conv.opset == 11);
  CHECK(conv.name == "Conv_0");  // unnamed in the file
  CHECK(conv.attrs.get_ints("kernel_shape") == std::vector<int64_t>{3, 3});
  CHECK(conv.attrs.get_ints("pads") == std::vector<int64_t>{1, 1, 1, 1});
  CHECK(conv.attrs.get_ints("strides") == std::vector<int64_t>{2, 2});
  CHECK(conv.attrs.find("strides")->kind == Attribute::Kind::kInts);
  REQUIRE(g->inputs.size() == 2);
  const Value& x = g->value(g->inputs[0]);
  const Value& w = g->value(g->inputs[1]);
  CHECK(x.name == "x");
  CHECK(x.dtype == DType::kF32);
  CHECK(known_dims(x) == Shape{1, 1, 7, 5});
  CHECK(w.name == "W");
  CHECK(known_dims(w) == Shape{1, 1, 3, 3});
  REQUIRE(g->outputs.size() == 1);
  const Value& y = g->value(g->outputs[0]);
  CHECK(y.name == "y");
  CHECK(known_dims(y) == Shape{1, 1, 4, 3});
  CHECK(conv.inputs == std::vector<ValueId>{g->inputs[0], g->inputs[1]});
  CHECK(conv.outputs == std::vector<ValueId>{g->outputs[0]});
}

TEST_CASE("reads a test-data TensorProto: shape, and floats equal to the file's raw bytes") {
  const fs::path pb = kOnnxData / "node/test_conv_with_strides_padding/test_data_set_0/input_0.pb";
  if (!fs::exists(pb)) return;
  Result<Tensor> t = read_tensor_file(pb.string());
  REQUIRE_MESSAGE(t.ok(), t.status().to_string());
  CHECK(t->dtype() == DType::kF32);
  CHECK(t->shape() == Shape{1, 1, 7, 5});
  // raw_data (field 9) is the last field a serializer writes, so the file ends with the 35 floats.
  const std::vector<uint8_t> bytes = file_bytes(pb);
  REQUIRE(bytes.size() > 35 * sizeof(float));
  std::vector<float> tail(35);
  std::memcpy(tail.data(), bytes.data() + bytes.size() - tail.size() * sizeof(float), tail.size() * sizeof(float));
  for (int i = 0; i < 35; ++i) {
    CHECK(t->data<float>()[i] == tail[static_cast<size_t>(i)]);
    CHECK(t->data<float>()[i] == static_cast<float>(i));  // the ONNX test feeds x = arange(35)
  }
}

TEST_CASE("initializers from raw_data keep their values, also when listed as graph inputs") {
  const fs::path model = kOnnxData / "pytorch-converted/test_BatchNorm1d_3d_input_eval/model.onnx";
  if (!fs::exists(model)) return;
  Result<Graph> g = import_model_file(model.string());
  REQUIRE_MESSAGE(g.ok(), g.status().to_string());
  // Inputs 1..4 are initializers (IR 3 lists them as inputs too): only "0" is fed at run time.
  REQUIRE(g->inputs.size() == 1);
  CHECK(g->value(g->inputs[0]).name == "0");
  REQUIRE(g->nodes.size() == 1);
  const Node& bn = g->nodes[0];
  CHECK(bn.op == OpType::kBatchNormalization);
  CHECK(bn.attrs.get_float("epsilon", 0.0f) == doctest::Approx(1e-5));
  CHECK(bn.attrs.get_int("is_test", 0) == 1);
  REQUIRE(bn.inputs.size() == 5);
  for (size_t i = 1; i < 5; ++i) {
    const Value& v = g->value(bn.inputs[i]);
    REQUIRE(v.constant.has_value());
    CHECK(v.constant->dtype() == DType::kF32);
    CHECK(v.constant->shape() == Shape{5});
  }
  // A fresh PyTorch BatchNorm: bias and running mean zero, running variance one.
  for (int64_t i = 0; i < 5; ++i) {
    CHECK(g->value(bn.inputs[2]).constant->data<float>()[i] == 0.0f);
    CHECK(g->value(bn.inputs[3]).constant->data<float>()[i] == 0.0f);
    CHECK(g->value(bn.inputs[4]).constant->data<float>()[i] == 1.0f);
  }
}

TEST_CASE("typed float_data in a Constant equals the raw_data of the expected output") {
  const fs::path dir = kOnnxData / "node/test_constant";
  if (!fs::exists(dir)) return;
  Result<Graph> g = import_model_file((dir / "model.onnx").string());
  REQUIRE_MESSAGE(g.ok(), g.status().to_string());
  REQUIRE(g->nodes.size() == 1);
  const Tensor* value = g->nodes[0].attrs.get_tensor("value");
  REQUIRE(value != nullptr);
  Result<Tensor> expected = read_tensor_file((dir / "test_data_set_0/output_0.pb").string());
  REQUIRE(expected.ok());
  CHECK(value->shape() == Shape{5, 5});
  REQUIRE(value->shape() == expected->shape());
  CHECK(std::memcmp(value->raw_data(), expected->raw_data(), expected->byte_size()) == 0);
}

// Valid models from the ONNX project: each must import or be refused as unsupported (never "invalid"),
// and an imported model's test tensors must match its declared inputs and outputs.
TEST_CASE("every ONNX node-test model imports or is cleanly unsupported") {
  const fs::path root = kOnnxData / "node";
  if (!fs::exists(root)) return;
  int imported = 0, refused = 0, tensors = 0;
  for (const auto& entry : fs::directory_iterator(root)) {
    const fs::path model = entry.path() / "model.onnx";
    if (!fs::exists(model)) continue;
    CAPTURE(model.string());
    Result<Graph> g = import_model_file(model.string());
    if (!g.ok()) {
      CHECK_MESSAGE(g.status().code() == StatusCode::kUnsupported, g.status().to_string());
      ++refused;
      continue;
    }
    ++imported;
    const fs::path data = entry.path() / "test_data_set_0";
    for (const auto& [prefix, ids] : {std::pair{"input_", &g->inputs}, std::pair{"output_", &g->outputs}}) {
      for (size_t i = 0; i < ids->size(); ++i) {
        const fs::path pb = data / (prefix + std::to_string(i) + ".pb");
        if (!fs::exists(pb)) continue;
        CAPTURE(pb.string());
        Result<Tensor> t = read_tensor_file(pb.string());
        if (!t.ok()) {  // string tensors
          CHECK_MESSAGE(t.status().code() == StatusCode::kUnsupported, t.status().to_string());
          continue;
        }
        ++tensors;
        const Value& v = g->value((*ids)[i]);
        CHECK(t->dtype() == v.dtype);
        if (!v.has_shape) continue;
        REQUIRE(t->shape().size() == v.shape.size());
        for (size_t d = 0; d < v.shape.size(); ++d) {
          if (v.shape[d].known()) CHECK(t->shape()[d] == v.shape[d].size);
        }
      }
    }
  }
  MESSAGE("imported " << imported << ", unsupported " << refused << ", tensors checked " << tensors);
  CHECK(imported > 500);
}

TEST_CASE("opsets, node names, attributes and value info from a hand-built model") {
  GraphSpec s;
  s.nodes.push_back(node("Relu", {"x"}, {"r"}));            // unnamed: Relu_0
  s.nodes.push_back(node("Relu", {"r"}, {"s"}, "Relu_2"));  // takes the name node 2 would get
  s.nodes.push_back(node("Relu", {"s"}, {"t"}));            // unnamed: Relu_2 is taken
  s.nodes.push_back(node("Clip", {"t", "", "hi"}, {"y"}, "clip",
                         {attr_float("f", 0.5f), attr_int("i", -3), attr_string("s", "abc"),
                          attr_floats("fs", {1.0f, -2.0f}), attr_ints("is", {4, -5}), attr_strings("ss", {"a", "bc"}),
                          attr_tensor("t", float_tensor("", {2}, {7.0f, 8.0f}))}));
  s.initializers.push_back(float_tensor("hi", {}, {6.0f}));
  s.inputs.push_back(value_info("x", kFloat, {"batch", 3}));
  s.inputs.push_back(value_info("hi", kFloat, {}));  // an initializer listed as input keeps its value
  s.outputs.push_back(value_info("y", kFloat, {"batch", 3}));
  s.value_infos.push_back(value_info("r", kFloat, {"batch", 3}));
  s.value_infos.push_back(value_info("y", kFloat, {7, 7}));  // the output's own declaration wins
  Result<Graph> g = import(model(graph(s), 13, {opset("ai.onnx", 13)}));
  REQUIRE_MESSAGE(g.ok(), g.status().to_string());
  CHECK(g->opsets.size() == 1);  // "ai.onnx" is the default domain
  REQUIRE(g->nodes.size() == 4);
  CHECK(find_node(*g, "Relu_0") != nullptr);
  CHECK(find_node(*g, "Relu_2") != nullptr);
  CHECK(find_node(*g, "Relu_2_1") != nullptr);
  const Node* clip = find_node(*g, "clip");
  REQUIRE(clip != nullptr);
  CHECK(clip->opset == 13);
  CHECK(clip->inputs[1] == kNoValue);
  CHECK(clip->attrs.get_float("f", 0) == 0.5f);
  CHECK(clip->attrs.get_int("i", 0) == -3);
  CHECK(clip->attrs.get_string("s", "") == "abc");
  CHECK(clip->attrs.get_floats("fs") == std::vector<float>{1.0f, -2.0f});
  CHECK(clip->attrs.get_ints("is") == std::vector<int64_t>{4, -5});
  CHECK(clip->attrs.find("ss")->strings == std::vector<std::string>{"a", "bc"});
  const Tensor* t = clip->attrs.get_tensor("t");
  REQUIRE(t != nullptr);
  CHECK(t->shape() == Shape{2});
  CHECK(t->data<float>()[1] == 8.0f);

  REQUIRE(g->inputs.size() == 1);
  const Value& x = g->value(g->inputs[0]);
  REQUIRE(x.shape.size() == 2);
  CHECK_FALSE(x.shape[0].known());
  CHECK(x.shape[0].symbol == "batch");
  CHECK(x.shape[1].size == 3);
  const Value& hi = g->value(clip->inputs[2]);
  REQUIRE(hi.constant.has_value());
  CHECK(hi.constant->data<float>()[0] == 6.0f);
  CHECK(g->value(*g->find_value("r")).dtype == DType::kF32);
  CHECK(g->value(*g->find_value("r")).has_shape);
  REQUIRE(g->outputs.size() == 1);
  CHECK(g->value(g->outputs[0]).shape[0].symbol == "batch");
  // Sorted: every node after the producers of its inputs.
  CHECK(g->nodes.back().name == "clip");
}

TEST_CASE("attributes: kind from old untyped models, and every mismatch is an error") {
  auto one_node = [](const ProtoWriter& a) {
    GraphSpec s;
    s.nodes.push_back(node("Relu", {"x"}, {"y"}, "n", {a}));
    s.inputs.push_back(value_info("x", kFloat, {1}));
    s.outputs.push_back(value_info("y", kFloat, {1}));
    return import(model(graph(s)));
  };
  Result<Graph> untyped = one_node(ProtoWriter().string(1, "alpha").float32(2, 0.25f));
  REQUIRE(untyped.ok());
  CHECK(untyped->nodes[0].attrs.find("alpha")->kind == Attribute::Kind::kFloat);
  CHECK(untyped->nodes[0].attrs.get_float("alpha", 0) == 0.25f);
  Result<Graph> empty_list = one_node(attr("axes", kAttrInts));  // an empty list is valid
  REQUIRE(empty_list.ok());
  CHECK(empty_list->nodes[0].attrs.get_ints("axes", {9}).empty());

  struct Bad {
    ProtoWriter attr;
    StatusCode code;
    const char* text;
  };
  const std::vector<Bad> bad = {
      {attr("body", kAttrGraph).message(6, ProtoWriter()), StatusCode::kUnsupported,
       "node 'n' (Relu): attribute 'body' of type GRAPH is not supported"},
      {attr("ts", kAttrTensors).message(10, float_tensor("", {1}, {1})), StatusCode::kUnsupported, "TENSORS"},
      {attr("sp", 11), StatusCode::kUnsupported, "SPARSE_TENSOR"},
      {attr("a", kAttrInt).float32(2, 1.0f), StatusCode::kInvalidModel, "attribute 'a' of type INT also carries"},
      {ProtoWriter().string(1, "a").int64(3, 1).float32(2, 1.0f), StatusCode::kInvalidModel, "no type"},
      {ProtoWriter().string(1, "a"), StatusCode::kInvalidModel, "no type and no value"},
      {attr("a", 99), StatusCode::kInvalidModel, "invalid type 99"},
      {attr("a", kAttrTensor), StatusCode::kInvalidModel, "has no tensor"},
      {attr_int("", 1), StatusCode::kInvalidModel, "attribute without a name"},
      {attr_int("a", 1).string(21, "outer"), StatusCode::kUnsupported, "function attribute"},
      {attr("a", kAttrFloat).int64(2, 1), StatusCode::kInvalidModel, "attribute[0].f"},  // varint as float
      {attr_tensor("v", tensor("", kFloat, {2}).packed_fixed(4, std::vector<float>{1})), StatusCode::kInvalidModel,
       "attribute 'v': tensor at"},
  };
  for (const Bad& b : bad) {
    Result<Graph> g = one_node(b.attr);
    REQUIRE_FALSE(g.ok());
    CAPTURE(g.status().to_string());
    CHECK(g.status().code() == b.code);
    CHECK(contains(g.status(), b.text));
    CHECK(contains(g.status(), "node 'n' (Relu)"));
  }

  GraphSpec twice;
  twice.nodes.push_back(node("Relu", {"x"}, {"y"}, "n", {attr_int("a", 1), attr_int("a", 2)}));
  twice.inputs.push_back(value_info("x", kFloat, {1}));
  Result<Graph> g = import(model(graph(twice)));
  REQUIRE_FALSE(g.ok());
  CHECK(contains(g.status(), "attribute 'a' appears twice"));
}

TEST_CASE("unknown ops and foreign domains name the node, op and domain") {
  auto single = [](const ProtoWriter& n, const std::vector<ProtoWriter>& opsets = {}) {
    GraphSpec s;
    s.nodes.push_back(n);
    s.inputs.push_back(value_info("x", kFloat, {1}));
    return import(model(graph(s), 13, opsets));
  };
  Result<Graph> g = single(node("Foo", {"x"}, {"y"}, "n0"));
  REQUIRE_FALSE(g.ok());
  CHECK(g.status().code() == StatusCode::kUnsupported);
  CHECK(contains(g.status(), "node 'n0': unknown op 'Foo' (domain '')"));
  g = single(node("Relu", {"x"}, {"y"}, "n1", {}, "com.example"), {opset("com.example", 1)});
  REQUIRE_FALSE(g.ok());
  CHECK(contains(g.status(), "node 'n1': unknown op 'Relu' (domain 'com.example')"));
  g = single(node("Foo", {"x"}, {"y"}));
  REQUIRE_FALSE(g.ok());
  CHECK(contains(g.status(), "node 'Foo_0': unknown op 'Foo'"));
  GraphSpec seq;  // an unknown op is reported before an input type edgerun cannot hold
  seq.nodes.push_back(node("SequenceLength", {"s"}, {"n"}, "len"));
  seq.inputs.push_back(ProtoWriter().string(1, "s").message(2, ProtoWriter().message(4, ProtoWriter())));
  g = import(model(graph(seq)));
  REQUIRE_FALSE(g.ok());
  CHECK(contains(g.status(), "node 'len': unknown op 'SequenceLength' (domain '')"));
  g = single(node("", {"x"}, {"y"}, "n2"));
  REQUIRE_FALSE(g.ok());
  CHECK(contains(g.status(), "op_type"));
}

TEST_CASE("graph structure errors: missing producers, cycles, duplicates, opsets") {
  struct Bad {
    const char* what;
    GraphSpec spec;
    const char* text;
  };
  std::vector<Bad> bad;
  GraphSpec missing_input;
  missing_input.nodes.push_back(node("Relu", {"w"}, {"y"}, "r"));
  missing_input.outputs.push_back(value_info("y", kFloat, {1}));
  bad.push_back({"input nothing produces", missing_input, "input 'w' is not produced by any node"});
  GraphSpec missing_init;
  missing_init.nodes.push_back(node("Add", {"x", "bias"}, {"y"}, "add"));
  missing_init.inputs.push_back(value_info("x", kFloat, {1}));
  bad.push_back({"missing initializer", missing_init, "node 'add' (Add): input 'bias'"});
  GraphSpec cycle;
  cycle.nodes.push_back(node("Add", {"x", "b"}, {"a"}, "first"));
  cycle.nodes.push_back(node("Relu", {"a"}, {"b"}, "second"));
  cycle.inputs.push_back(value_info("x", kFloat, {1}));
  cycle.outputs.push_back(value_info("b", kFloat, {1}));
  bad.push_back({"cycle", cycle, "cycle"});
  GraphSpec no_output;
  no_output.inputs.push_back(value_info("x", kFloat, {1}));
  no_output.outputs.push_back(value_info("nothing", kFloat, {1}));
  bad.push_back({"dangling output", no_output, "graph output 'nothing'"});
  GraphSpec twice;
  twice.initializers.push_back(float_tensor("c", {1}, {1}));
  twice.initializers.push_back(float_tensor("c", {1}, {2}));
  bad.push_back({"initializer twice", twice, "initializer 'c' is defined twice"});
  GraphSpec input_twice;
  input_twice.inputs.push_back(value_info("x", kFloat, {1}));
  input_twice.inputs.push_back(value_info("x", kFloat, {1}));
  bad.push_back({"input twice", input_twice, "graph input 'x' is listed twice"});
  GraphSpec writes_input;
  writes_input.nodes.push_back(node("Relu", {"x"}, {"x"}, "self"));
  writes_input.inputs.push_back(value_info("x", kFloat, {1}));
  bad.push_back({"node writes an input", writes_input, "output 'x' is a graph input"});
  GraphSpec two_producers;
  two_producers.nodes.push_back(node("Relu", {"x"}, {"y"}, "p1"));
  two_producers.nodes.push_back(node("Abs", {"x"}, {"y"}, "p2"));
  two_producers.inputs.push_back(value_info("x", kFloat, {1}));
  bad.push_back({"two producers", two_producers, "also produced by"});
  GraphSpec seq_input;
  seq_input.inputs.push_back(ProtoWriter().string(1, "s").message(2, ProtoWriter().message(4, ProtoWriter())));
  bad.push_back({"sequence input", seq_input, "graph input 's' is of sequence type"});
  GraphSpec bf16;
  bf16.inputs.push_back(value_info("x", kBfloat16, {1}));
  bad.push_back({"bfloat16 input", bf16, "graph input 'x': element type 16 (bfloat16)"});
  GraphSpec huge;
  huge.inputs.push_back(value_info("x", kFloat, {int64_t{1} << 40, int64_t{1} << 40}));
  bad.push_back({"absurd declared shape", huge, "graph input 'x' declared as"});
  GraphSpec negative;
  negative.inputs.push_back(value_info("x", kFloat, {-2}));
  bad.push_back({"negative declared dim", negative, "negative dim"});
  for (const Bad& b : bad) {
    CAPTURE(b.what);
    Result<Graph> g = import(model(graph(b.spec)));
    REQUIRE_FALSE(g.ok());
    CAPTURE(g.status().to_string());
    CHECK(contains(g.status(), b.text));
  }

  GraphSpec relu;
  relu.nodes.push_back(node("Relu", {"x"}, {"y"}, "r"));
  relu.inputs.push_back(value_info("x", kFloat, {1}));
  relu.outputs.push_back(value_info("y", kFloat, {1}));
  ProtoWriter no_opset;
  no_opset.message(7, graph(relu));
  Result<Graph> g = import(no_opset);
  REQUIRE_FALSE(g.ok());
  CHECK(contains(g.status(), "node 'r' (Relu): the model imports no opset for domain ''"));
  g = import(model(graph(relu), 13, {opset("", 11)}));
  REQUIRE_FALSE(g.ok());
  CHECK(contains(g.status(), "imported at opset 13 and 11"));
  g = import(model(graph(relu), 0));
  REQUIRE_FALSE(g.ok());
  CHECK(contains(g.status(), "ModelProto.opset_import[0].version"));
  g = import(ProtoWriter().message(8, opset("", 13)));
  REQUIRE_FALSE(g.ok());
  CHECK(contains(g.status(), "model has no graph"));
  g = import(model(graph(relu)).message(7, graph(relu)));
  REQUIRE_FALSE(g.ok());
  CHECK(contains(g.status(), "more than one graph"));
  const Result<Graph> missing = import_model_file("/nonexistent/model.onnx");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == StatusCode::kIoError);
}

}  // namespace
}  // namespace edgerun::onnx
