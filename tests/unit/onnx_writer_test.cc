// ONNX writer: graphs written and imported again come back the same (nodes, attributes, initializers
// bit for bit, declared shapes) and compute the same outputs, bit for bit. ONNX Runtime's agreement on
// exported models is checked separately (tests/peer/ort_agreement.js).
#include "graph/onnx/onnx_writer.h"

#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <map>

#include "engine/session.h"
#include "graph/onnx/onnx_importer.h"
#include "models/zoo/graph_builder.h"
#include "tools/common/npy.h"

namespace edgerun::onnx {
namespace {

namespace fs = std::filesystem;
using zoo::GraphBuilder;

bool contains(const Status& st, const std::string& text) { return st.message().find(text) != std::string::npos; }

// Same dtype, shape and bytes.
void check_same_tensor(const Tensor& a, const Tensor& b, const std::string& what) {
  INFO(what);
  REQUIRE(a.dtype() == b.dtype());
  REQUIRE(a.shape() == b.shape());
  CHECK(std::memcmp(a.raw_data(), b.raw_data(), a.byte_size()) == 0);
}

void check_same_value_decl(const Value& a, const Value& b) {
  INFO("value '" << a.name << "'");
  CHECK(a.name == b.name);
  CHECK(a.dtype == b.dtype);
  CHECK(a.has_shape == b.has_shape);
  REQUIRE(a.shape.size() == b.shape.size());
  for (size_t i = 0; i < a.shape.size(); ++i) {
    CHECK(a.shape[i].size == b.shape[i].size);
    CHECK(a.shape[i].symbol == b.shape[i].symbol);
  }
}

void check_same_attribute(const Attribute& a, const Attribute& b, const std::string& what) {
  INFO(what);
  REQUIRE(a.kind == b.kind);
  switch (a.kind) {
    case Attribute::Kind::kFloat: CHECK(std::memcmp(&a.f, &b.f, sizeof a.f) == 0); break;
    case Attribute::Kind::kInt: CHECK(a.i == b.i); break;
    case Attribute::Kind::kString: CHECK(a.s == b.s); break;
    case Attribute::Kind::kTensor: check_same_tensor(a.t, b.t, what); break;
    case Attribute::Kind::kFloats:
      REQUIRE(a.floats.size() == b.floats.size());
      CHECK(std::memcmp(a.floats.data(), b.floats.data(), a.floats.size() * sizeof(float)) == 0);
      break;
    case Attribute::Kind::kInts: CHECK(a.ints == b.ints); break;
    case Attribute::Kind::kStrings: CHECK(a.strings == b.strings); break;
  }
}

std::string name_of(const Graph& g, ValueId id) { return id == kNoValue ? "" : g.value(id).name; }

// Constants some node or output reads, by name.
std::map<std::string, Tensor> initializers(const Graph& g) {
  std::map<std::string, Tensor> out;
  const std::vector<int> uses = g.use_counts();
  for (size_t i = 0; i < g.values.size(); ++i) {
    if (g.values[i].constant && uses[i] > 0) out[g.values[i].name] = *g.values[i].constant;
  }
  return out;
}

void check_same_graph(const Graph& a, const Graph& b) {
  CHECK(a.name == b.name);
  CHECK(a.opsets == b.opsets);
  REQUIRE(a.inputs.size() == b.inputs.size());
  for (size_t i = 0; i < a.inputs.size(); ++i) check_same_value_decl(a.value(a.inputs[i]), b.value(b.inputs[i]));
  REQUIRE(a.outputs.size() == b.outputs.size());
  for (size_t i = 0; i < a.outputs.size(); ++i) {
    const Value& va = a.value(a.outputs[i]);
    if (!va.constant) check_same_value_decl(va, b.value(b.outputs[i]));
    CHECK(va.name == b.value(b.outputs[i]).name);
  }
  REQUIRE(a.nodes.size() == b.nodes.size());
  for (size_t n = 0; n < a.nodes.size(); ++n) {
    const Node& x = a.nodes[n];
    const Node& y = b.nodes[n];
    INFO(x.describe());
    CHECK(x.name == y.name);
    CHECK(x.op_type == y.op_type);
    CHECK(x.op == y.op);
    CHECK(x.opset == y.opset);
    REQUIRE(x.inputs.size() == y.inputs.size());
    for (size_t i = 0; i < x.inputs.size(); ++i) CHECK(name_of(a, x.inputs[i]) == name_of(b, y.inputs[i]));
    REQUIRE(x.outputs.size() == y.outputs.size());
    for (size_t i = 0; i < x.outputs.size(); ++i) CHECK(name_of(a, x.outputs[i]) == name_of(b, y.outputs[i]));
    REQUIRE(x.attrs.all().size() == y.attrs.all().size());
    for (const auto& [name, attr] : x.attrs.all()) {
      const Attribute* other = y.attrs.find(name);
      REQUIRE_MESSAGE(other != nullptr, "attribute " << name);
      check_same_attribute(attr, *other, x.describe() + " attribute " + name);
    }
    // Declared types of the node's outputs (value_info) come back too.
    for (size_t i = 0; i < x.outputs.size(); ++i) {
      if (x.outputs[i] != kNoValue) check_same_value_decl(a.value(x.outputs[i]), b.value(y.outputs[i]));
    }
  }
  const std::map<std::string, Tensor> ia = initializers(a), ib = initializers(b);
  REQUIRE(ia.size() == ib.size());
  for (const auto& [name, t] : ia) {
    REQUIRE_MESSAGE(ib.count(name), "initializer " << name);
    check_same_tensor(t, ib.at(name), "initializer " + name);
  }
}

Result<Graph> round_trip(const Graph& g) {
  ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, write_model_bytes(g));
  return import_model_bytes(bytes.data(), bytes.size());
}

Attributes attrs(std::initializer_list<std::pair<const char*, Attribute>> list) {
  Attributes a;
  for (const auto& [name, attr] : list) a.set(name, attr);
  return a;
}
Attribute int_attr(int64_t v) {
  Attribute a;
  a.kind = Attribute::Kind::kInt;
  a.i = v;
  return a;
}
Attribute float_attr(float v) {
  Attribute a;
  a.kind = Attribute::Kind::kFloat;
  a.f = v;
  return a;
}
Attribute string_attr(const std::string& v) {
  Attribute a;
  a.kind = Attribute::Kind::kString;
  a.s = v;
  return a;
}
Attribute ints_attr(std::vector<int64_t> v) {
  Attribute a;
  a.kind = Attribute::Kind::kInts;
  a.ints = std::move(v);
  return a;
}
Attribute floats_attr(std::vector<float> v) {
  Attribute a;
  a.kind = Attribute::Kind::kFloats;
  a.floats = std::move(v);
  return a;
}
Attribute strings_attr(std::vector<std::string> v) {
  Attribute a;
  a.kind = Attribute::Kind::kStrings;
  a.strings = std::move(v);
  return a;
}
Attribute tensor_attr(Tensor t) {
  Attribute a;
  a.kind = Attribute::Kind::kTensor;
  a.t = std::move(t);
  return a;
}

void declare(Graph& g, ValueId id, DType dtype, SymShape shape) {
  Value& v = g.value(id);
  v.dtype = dtype;
  v.has_shape = true;
  v.shape = std::move(shape);
}

// A small conv net with every attribute kind, int64 / uint8 / float16 initializers, a multi-output node,
// an omitted optional input, a symbolic batch dim "N", and two outputs.
Graph conv_net() {
  GraphBuilder b("conv_net", 7);
  const ValueId x = b.input("input", DType::kF32, {1, 3, 8, 8});
  Attributes conv = attrs({{"kernel_shape", ints_attr({3, 3})},
                           {"strides", ints_attr({1, 1})},
                           {"pads", ints_attr({1, 1, 1, 1})},
                           {"dilations", ints_attr({1, 1})},
                           {"group", int_attr(1)},
                           {"auto_pad", string_attr("NOTSET")}});
  ValueId h =
      b.op("Conv", "conv", {x, b.normal("conv.weight", {4, 3, 3, 3}, 0.3f), b.normal("conv.bias", {4}, 0.1f)}, conv);
  h = b.op("BatchNormalization", "bn",
           {h, b.uniform("bn.scale", {4}, 0.5f, 1.5f), b.normal("bn.bias", {4}, 0.1f), b.normal("bn.mean", {4}, 0.1f),
            b.uniform("bn.var", {4}, 0.5f, 1.5f)},
           attrs({{"epsilon", float_attr(1e-5f)}, {"momentum", float_attr(0.9f)}}));
  h = b.op("LeakyRelu", "act", {h}, attrs({{"alpha", float_attr(0.1f)}}));
  const std::vector<ValueId> parts =
      b.op_multi("Split", "split", {h, b.int64s("split.sizes", {1, 3})}, 2, attrs({{"axis", int_attr(1)}}));

  // Branch 0: times a Constant given as a TENSOR attribute.
  const ValueId half =
      b.op("Constant", "half", {}, attrs({{"value", tensor_attr(Tensor::from_vector<float>({1}, {0.5f}))}}));
  const ValueId p0 = b.op("Mul", "scale0", {parts[0], half});
  // Branch 1: plus a float16 initializer (Cast), a uint8 one (DequantizeLinear) and a FLOATS Constant.
  Tensor f16 = Tensor::allocate(DType::kF16, {1, 3, 1, 1}).value();
  for (int i = 0; i < 3; ++i) f16.data<uint16_t>()[i] = float_to_half(0.25f * static_cast<float>(i) - 0.3f);
  const ValueId offset = b.op("Cast", "offset", {b.constant("offset.f16", f16)}, attrs({{"to", int_attr(1)}}));
  const ValueId q =
      b.op("DequantizeLinear", "dq",
           {b.constant("dq.q", Tensor::from_vector<uint8_t>({3}, {0, 130, 255})),
            b.constant("dq.scale", Tensor::scalar<float>(0.01f)), b.constant("dq.zero", Tensor::scalar<uint8_t>(128))});
  const ValueId q4 = b.op("Reshape", "dq_4d", {q, b.int64s("dq_4d.shape", {1, 3, 1, 1})});
  const ValueId gains = b.op("Constant", "gains", {}, attrs({{"value_floats", floats_attr({1.5f, -0.5f, 0.75f})}}));
  const ValueId gains4 = b.op("Reshape", "gains_4d", {gains, b.int64s("gains_4d.shape", {1, 3, 1, 1})});
  ValueId p1 = b.op("Add", "add_offset", {parts[1], offset});
  p1 = b.op("Add", "add_dq", {p1, q4});
  p1 = b.op("Mul", "gain", {p1, gains4});
  ValueId y = b.op("Concat", "concat", {p0, p1}, attrs({{"axis", int_attr(1)}}));

  const ValueId up =
      b.op("Resize", "up", {y, kNoValue, b.constant("up.scales", Tensor::from_vector<float>({4}, {1, 1, 2, 2}))},
           attrs({{"mode", string_attr("nearest")},
                  {"coordinate_transformation_mode", string_attr("asymmetric")},
                  {"nearest_mode", string_attr("floor")}}));
  y = b.op("GlobalAveragePool", "pool", {up});
  y = b.op("Flatten", "flatten", {y}, attrs({{"axis", int_attr(1)}}));
  y = b.op("Gemm", "fc", {y, b.normal("fc.weight", {2, 4}, 0.5f), b.normal("fc.bias", {2}, 0.1f)},
           attrs({{"transB", int_attr(1)}, {"alpha", float_attr(1.0f)}, {"beta", float_attr(1.0f)}}));
  b.output(y, "logits");
  b.output(up);
  Graph g = b.finish().value();

  // Symbolic batch on the input and the outputs; a declared intermediate (written as value_info).
  g.value(g.inputs[0]).shape[0] = SymDim{-1, "N"};
  declare(g, g.outputs[0], DType::kF32, {SymDim{-1, "N"}, SymDim{2, ""}});
  declare(g, g.outputs[1], DType::kF32, {SymDim{-1, "N"}, SymDim{4, ""}, SymDim{16, ""}, SymDim{16, ""}});
  declare(g, parts[1], DType::kF32, {SymDim{-1, "N"}, SymDim{3, ""}, SymDim{-1, ""}, SymDim{8, ""}});
  return g;
}

// One constant of every element type edgerun stores, a 0-d and an empty one among them, each read by
// an Identity; Constant nodes with TENSOR values of several types; a STRINGS attribute; inputs with
// unknown dims and with no shape.
Graph every_dtype() {
  GraphBuilder b("every_dtype", 3);
  auto identity_out = [&](const std::string& name, ValueId v) { b.output(b.op("Identity", "copy_" + name, {v})); };
  identity_out("f32", b.constant("c_f32", Tensor::from_vector<float>({2}, {1.5f, -0.0f})));
  identity_out("f64", b.constant("c_f64", Tensor::from_vector<double>({2}, {0.1, -1e300})));
  Tensor f16 = Tensor::allocate(DType::kF16, {3}).value();
  f16.data<uint16_t>()[0] = float_to_half(1.0f);
  f16.data<uint16_t>()[1] = 0x7C00;  // +inf
  f16.data<uint16_t>()[2] = 0x8001;  // smallest negative subnormal
  identity_out("f16", b.constant("c_f16", f16));
  identity_out("u8", b.constant("c_u8", Tensor::from_vector<uint8_t>({3}, {0, 128, 255})));
  identity_out("i8", b.constant("c_i8", Tensor::from_vector<int8_t>({2}, {-128, 127})));
  identity_out("u16", b.constant("c_u16", Tensor::from_vector<uint16_t>({1}, {65535})));
  identity_out("i16", b.constant("c_i16", Tensor::from_vector<int16_t>({2}, {-32768, 7})));
  identity_out("i32", b.constant("c_i32", Tensor::from_vector<int32_t>({2, 1}, {-2147483647 - 1, 42})));
  identity_out("i64", b.constant("c_i64", Tensor::from_vector<int64_t>({2}, {INT64_MIN, INT64_MAX})));
  identity_out("u32", b.constant("c_u32", Tensor::from_vector<uint32_t>({1}, {4000000000u})));
  identity_out("u64", b.constant("c_u64", Tensor::from_vector<uint64_t>({1}, {~uint64_t{0}})));
  identity_out("bool", b.constant("c_bool", Tensor::from_vector<bool>({3}, {true, false, true})));
  identity_out("scalar", b.constant("c_scalar", Tensor::scalar<int64_t>(-7)));
  identity_out("empty", b.constant("c_empty", Tensor::allocate(DType::kF32, {0, 3}).value()));
  identity_out("k_i64", b.op("Constant", "k_i64", {},
                             attrs({{"value", tensor_attr(Tensor::from_vector<int64_t>({2}, {-1, 1}))}})));
  identity_out("k_u8", b.op("Constant", "k_u8", {},
                            attrs({{"value", tensor_attr(Tensor::from_vector<uint8_t>({2}, {1, 200}))}})));
  identity_out("k_f16", b.op("Constant", "k_f16", {}, attrs({{"value", tensor_attr(f16)}})));
  identity_out("k_ints", b.op("Constant", "k_ints", {}, attrs({{"value_ints", ints_attr({-3, 0, int64_t{1} << 40})}})));

  const ValueId seq = b.input("tokens", DType::kI64, {1, 1});
  const ValueId any = b.input("anything", DType::kF32, {});
  b.output(b.op("Identity", "seq_copy", {seq}, attrs({{"tags", strings_attr({"a", "", "long tag"})}})));
  b.output(b.op("Identity", "any_copy", {any}));
  Graph g = b.finish().value();
  g.value(seq).shape = {SymDim{-1, "batch"}, SymDim{-1, ""}};
  g.value(any).has_shape = false;
  g.value(any).shape.clear();
  return g;
}

TEST_CASE("onnx writer: a conv net comes back with the same nodes, attributes, initializers and shapes") {
  const Graph g = conv_net();
  Result<Graph> back = round_trip(g);
  REQUIRE_MESSAGE(back.ok(), back.status().to_string());
  check_same_graph(g, back.value());
  // Writing what was imported gives the same bytes: the encoding is deterministic and loses nothing.
  Result<std::vector<uint8_t>> once = write_model_bytes(g), twice = write_model_bytes(back.value());
  REQUIRE(once.ok());
  REQUIRE(twice.ok());
  CHECK(once.value() == twice.value());
}

TEST_CASE("onnx writer: every element type and attribute tensor comes back bit for bit") {
  const Graph g = every_dtype();
  Result<Graph> back = round_trip(g);
  REQUIRE_MESSAGE(back.ok(), back.status().to_string());
  check_same_graph(g, back.value());
  CHECK_FALSE(back->value(back->inputs[1]).has_shape);
}

TEST_CASE("onnx writer: the exported conv net computes what the original graph computes, bit for bit") {
  const Graph g = conv_net();
  Result<std::vector<uint8_t>> bytes = write_model_bytes(g);
  REQUIRE(bytes.ok());
  auto original = Session::from_graph(g);
  REQUIRE_MESSAGE(original.ok(), original.status().to_string());
  auto exported = Session::load_bytes(bytes->data(), bytes->size());
  REQUIRE_MESSAGE(exported.ok(), exported.status().to_string());

  Tensor x = Tensor::allocate(DType::kF32, {2, 3, 8, 8}).value();  // batch 2 binds the symbolic N
  zoo::WeightStream noise(99);
  for (int64_t i = 0; i < x.num_elements(); ++i) x.data<float>()[i] = noise.normal(1.0f);
  std::vector<NamedTensor> want, got;
  REQUIRE(original.value()->run({{"input", x}}, &want).ok());
  REQUIRE(exported.value()->run({{"input", x}}, &got).ok());
  REQUIRE(want.size() == 2);
  REQUIRE(got.size() == 2);
  CHECK(want[0].tensor.shape() == Shape{2, 2});
  CHECK(want[1].tensor.shape() == Shape{2, 4, 16, 16});
  for (size_t i = 0; i < want.size(); ++i) check_same_tensor(got[i].tensor, want[i].tensor, want[i].name);
}

TEST_CASE("onnx writer: re-exported end-to-end fixtures compute bit-identical outputs") {
  const fs::path root = fs::path(EDGERUN_TEST_DATA_DIR) / "e2e";
  for (const char* name : {"bert", "roberta", "mobilenet_v3_small", "resnet50_small"}) {
    CAPTURE(name);
    const fs::path dir = root / name;
    Result<Graph> first = import_model_file((dir / "model.onnx").string());
    REQUIRE_MESSAGE(first.ok(), first.status().to_string());
    Result<Graph> second = round_trip(first.value());
    REQUIRE_MESSAGE(second.ok(), second.status().to_string());
    check_same_graph(first.value(), second.value());

    std::vector<NamedTensor> inputs;
    for (size_t i = 0; i < first->inputs.size(); ++i) {
      Result<Tensor> t = read_npy((dir / ("input_" + std::to_string(i) + ".npy")).string());
      REQUIRE(t.ok());
      inputs.push_back({first->value(first->inputs[i]).name, t.value()});
    }
    auto a = Session::from_graph(std::move(first).value());
    auto b = Session::from_graph(std::move(second).value());
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    std::vector<NamedTensor> out_a, out_b;
    REQUIRE(a.value()->run(inputs, &out_a).ok());
    REQUIRE(b.value()->run(inputs, &out_b).ok());
    REQUIRE(out_a.size() == out_b.size());
    for (size_t i = 0; i < out_a.size(); ++i) check_same_tensor(out_b[i].tensor, out_a[i].tensor, out_a[i].name);
  }
}

TEST_CASE("onnx writer: repeated node names are made unique, as ONNX requires") {
  Graph g = conv_net();
  g.nodes[1].name = g.nodes[0].name;  // "conv" twice; "conv_1" is free
  g.nodes[2].name = g.nodes[0].name;
  Result<Graph> back = round_trip(g);
  REQUIRE_MESSAGE(back.ok(), back.status().to_string());
  CHECK(back->nodes[0].name == "conv");
  CHECK(back->nodes[1].name == "conv_1");
  CHECK(back->nodes[2].name == "conv_2");
  CHECK(back->nodes[3].name == g.nodes[3].name);
}

TEST_CASE("onnx writer: files are written whole, and bad graphs or paths are errors") {
  const fs::path dir = fs::temp_directory_path() / "edgerun_onnx_writer_test";
  fs::create_directories(dir);
  const std::string path = (dir / "conv.onnx").string();
  REQUIRE(write_model_file(conv_net(), path).ok());
  Result<Graph> back = import_model_file(path);
  REQUIRE_MESSAGE(back.ok(), back.status().to_string());
  check_same_graph(conv_net(), back.value());

  Status st = write_model_file(conv_net(), (dir / "no_such_folder" / "m.onnx").string());
  CHECK(st.code() == StatusCode::kIoError);
  CHECK(contains(st, "no_such_folder/m.onnx"));
  CHECK(write_model_file(conv_net(), dir.string()).code() == StatusCode::kIoError);  // a folder

  Graph no_opset = conv_net();
  no_opset.opsets.clear();
  CHECK(write_model_bytes(no_opset).status().code() == StatusCode::kInvalidArgument);

  Graph cycle = conv_net();  // the first node reads the last node's output
  cycle.nodes.front().inputs[0] = cycle.nodes.back().outputs[0];
  CHECK(contains(write_model_bytes(cycle).status(), "cycle"));

  // Over protobuf's 2 GiB: refused from the sizes alone, before any data is read (the tensor borrows
  // a 4-byte buffer and claims 2 GiB), and no file is left behind.
  float dummy = 0;
  GraphBuilder b("huge", 1);
  b.output(b.op("Identity", "copy", {b.constant("w", Tensor::borrow(DType::kF32, {int64_t{1} << 29}, &dummy))}));
  const Graph huge = b.finish().value();
  const std::string huge_path = (dir / "huge.onnx").string();
  st = write_model_file(huge, huge_path);
  CHECK(st.code() == StatusCode::kOutOfRange);
  CHECK(contains(st, "2 GiB"));
  CHECK_FALSE(fs::exists(huge_path));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace edgerun::onnx
