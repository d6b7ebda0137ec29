// The native .edgr model file (graph/format): a graph comes back as it went in (every attribute kind,
// quant params, symbolic dims), compiled models run bitwise the same from their .edgr bytes, constants
// are used in place, and hostile bytes give an error naming the fault, never a crash (the corruption
// cases read exact-size heap copies, so the sanitizer build catches any over-read).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <random>

#include "engine/plan.h"
#include "engine/session.h"
#include "graph/format/edgr_format.h"
#include "graph/format/edgr_reader.h"
#include "graph/format/edgr_writer.h"
#include "graph/passes/infer_shapes.h"
#include "models/zoo/graph_builder.h"
#include "models/zoo/zoo.h"
#include "operators/sptq/calibration_data.h"
#include "operators/sptq/sptq.h"

namespace edgerun {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes edgr_bytes(const Graph& g) {
  Result<Bytes> bytes = write_edgr(g);
  REQUIRE_MESSAGE(bytes.ok(), bytes.status().to_string());
  return std::move(bytes).value();
}

Graph read_ok(const Bytes& bytes) {
  Result<Graph> g = read_edgr(bytes.data(), bytes.size());
  REQUIRE_MESSAGE(g.ok(), g.status().to_string());
  return std::move(g).value();
}

std::string read_error(const Bytes& bytes) {
  Result<Graph> g = read_edgr(bytes.data(), bytes.size());
  REQUIRE_FALSE(g.ok());
  return g.status().to_string();
}

Attribute list_attribute(Attribute::Kind kind) {
  Attribute a;
  a.kind = kind;
  return a;
}

// Every part of the format: two opsets, symbolic and unknown dims, a rank-0 shape, a value without a
// shape, per-axis and per-tensor quant params on constants and on a value, an empty constant, omitted
// inputs and outputs, attributes of all seven kinds (empty lists, an empty string, a quantized
// tensor), and a constant nothing refers to, which the writer leaves out.
Graph rich_graph() {
  Graph g;
  g.name = "rich";
  g.opsets = {{"", 17}, {"com.microsoft", 1}};
  const ValueId x = g.value_id("x");
  g.value(x).dtype = DType::kF32;
  g.value(x).has_shape = true;
  g.value(x).shape = {SymDim{-1, "batch"}, SymDim{4, ""}, SymDim{-1, ""}};
  g.add_constant("unused", Tensor::scalar<float>(1.0f));
  Tensor w = Tensor::from_vector<int8_t>({4, 3}, {1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -128});
  w.quant() = QuantParams{{0.1f, 0.2f, 0.3f, 0.4f}, {0, 1, -2, 3}, 0};
  const ValueId wv = g.add_constant("w", w);
  Tensor scale = Tensor::scalar<float>(0.05f);
  scale.quant() = QuantParams{{0.05f}, {128}, -1};
  const ValueId sv = g.add_constant("scale", scale);
  const ValueId empty = g.add_constant("empty", Tensor::allocate(DType::kI64, {0}).value());
  const ValueId y = g.value_id("y");
  g.value(y).dtype = DType::kU8;
  g.value(y).quant = QuantParams{{0.02f}, {128}, -1};
  const ValueId z = g.value_id("z");
  g.value(z).dtype = DType::kF32;
  g.value(z).has_shape = true;

  Node a;
  a.name = "matmul";
  a.op_type = "MatMul";
  a.op = OpType::kMatMul;
  a.opset = 17;
  a.inputs = {x, wv, kNoValue, sv};
  a.outputs = {y};
  a.attrs.set_float("alpha", 0.25f);
  a.attrs.set_int("axis", -3);
  a.attrs.set_string("mode", "");
  Attribute t = list_attribute(Attribute::Kind::kTensor);
  t.t = Tensor::from_vector<int64_t>({2, 1}, {7, -9});
  t.t.quant() = QuantParams{{0.5f, 0.25f}, {}, 0};
  a.attrs.set("value", t);
  a.attrs.set_floats("scales", {1.5f, -2.0f});
  a.attrs.set_ints("pads", {});
  a.attrs.set("empty_strings", list_attribute(Attribute::Kind::kStrings));
  Attribute names = list_attribute(Attribute::Kind::kStrings);
  names.strings = {"", "b"};
  a.attrs.set("names", names);
  Node b;
  b.name = "cast";
  b.op_type = "com.microsoft:Cast";
  b.op = OpType::kCast;
  b.opset = 13;
  b.inputs = {y, empty};
  b.outputs = {z, kNoValue};
  g.nodes = {a, b};
  g.inputs = {x};
  g.outputs = {z};
  return g;
}

void check_same_quant(const QuantParams& want, const QuantParams& got) {
  CHECK(want.scale == got.scale);
  CHECK(want.zero_point == got.zero_point);
  CHECK(want.axis == got.axis);
}

void check_same_tensor(const Tensor& want, const Tensor& got) {
  REQUIRE(want.dtype() == got.dtype());
  REQUIRE(want.shape() == got.shape());
  CHECK(std::memcmp(want.raw_data(), got.raw_data(), want.byte_size()) == 0);
  check_same_quant(want.quant(), got.quant());
}

std::vector<std::string> names_of(const Graph& g, const std::vector<ValueId>& ids) {
  std::vector<std::string> names;
  for (ValueId id : ids) names.push_back(id == kNoValue ? "<none>" : g.value(id).name);
  return names;
}

// Values are compared by name: the writer leaves unused values out and renumbers the rest.
void check_same_graph(const Graph& want, const Graph& got) {
  CHECK(want.name == got.name);
  CHECK(want.opsets == got.opsets);
  for (const Value& v : got.values) {
    CAPTURE(v.name);
    const std::optional<ValueId> id = want.find_value(v.name);
    REQUIRE(id.has_value());
    const Value& w = want.value(*id);
    CHECK(w.dtype == v.dtype);
    CHECK(w.has_shape == v.has_shape);
    REQUIRE(w.shape.size() == v.shape.size());
    for (size_t d = 0; d < w.shape.size(); ++d) {
      CHECK(w.shape[d].size == v.shape[d].size);
      CHECK(w.shape[d].symbol == v.shape[d].symbol);
    }
    check_same_quant(w.quant, v.quant);
    REQUIRE(w.constant.has_value() == v.constant.has_value());
    if (w.constant) check_same_tensor(*w.constant, *v.constant);
  }
  REQUIRE(want.nodes.size() == got.nodes.size());
  for (size_t n = 0; n < want.nodes.size(); ++n) {
    const Node& w = want.nodes[n];
    const Node& v = got.nodes[n];
    CAPTURE(w.name);
    CHECK(w.name == v.name);
    CHECK(w.op_type == v.op_type);
    CHECK(w.op == v.op);
    CHECK(w.opset == v.opset);
    CHECK(names_of(want, w.inputs) == names_of(got, v.inputs));
    CHECK(names_of(want, w.outputs) == names_of(got, v.outputs));
    REQUIRE(w.attrs.all().size() == v.attrs.all().size());
    for (const auto& [name, a] : w.attrs.all()) {
      CAPTURE(name);
      const Attribute* b = v.attrs.find(name);
      REQUIRE(b != nullptr);
      CHECK(a.kind == b->kind);
      CHECK(a.f == b->f);
      CHECK(a.i == b->i);
      CHECK(a.s == b->s);
      CHECK(a.floats == b->floats);
      CHECK(a.ints == b->ints);
      CHECK(a.strings == b->strings);
      if (a.kind == Attribute::Kind::kTensor) check_same_tensor(a.t, b->t);
    }
  }
  CHECK(names_of(want, want.inputs) == names_of(got, got.inputs));
  CHECK(names_of(want, want.outputs) == names_of(got, got.outputs));
}

bool points_into(const void* p, const Bytes& bytes) {
  const auto* b = static_cast<const uint8_t*>(p);
  return b >= bytes.data() && b < bytes.data() + bytes.size();
}

TEST_CASE("edgr: a graph with every attribute kind, quant params and symbolic dims comes back whole") {
  const Graph g = rich_graph();
  const Bytes bytes = edgr_bytes(g);
  const Graph back = read_ok(bytes);
  CHECK(back.values.size() == g.values.size() - 1);
  CHECK_FALSE(back.find_value("unused").has_value());
  check_same_graph(g, back);
  // The format is canonical: writing what was read gives the same bytes.
  CHECK(edgr_bytes(back) == bytes);
}

TEST_CASE("edgr: constants and tensor attributes point into the file's bytes, 64-byte aligned") {
  const Bytes bytes = edgr_bytes(rich_graph());
  const Graph g = read_ok(bytes);
  int constants = 0;
  for (const Value& v : g.values) {
    if (!v.constant || v.constant->byte_size() == 0) continue;
    CAPTURE(v.name);
    CHECK(points_into(v.constant->raw_data(), bytes));
    CHECK((static_cast<const uint8_t*>(v.constant->raw_data()) - bytes.data()) % edgr::kDataAlignment == 0);
    ++constants;
  }
  CHECK(constants == 2);
  CHECK(points_into(g.nodes[0].attrs.get_tensor("value")->raw_data(), bytes));
}

// Runs `source` compiled as a Session would, writes the compiled graph, loads those bytes and runs
// them on the same input: the outputs must be bitwise the same.
void check_runs_the_same(const Graph& source, OpType must_have) {
  auto original = Session::from_graph(source).value();
  const std::vector<NamedTensor> inputs = sptq::calibration_samples(source, {{}, "", "", 1, 1}).value()[0];
  std::vector<NamedTensor> want, got;
  REQUIRE(original->run(inputs, &want).ok());
  const Bytes bytes = edgr_bytes(original->plan()->graph());
  auto loaded = Session::load_bytes(bytes.data(), bytes.size());
  REQUIRE_MESSAGE(loaded.ok(), loaded.status().to_string());
  const Graph& compiled = loaded.value()->plan()->graph();
  CHECK(loaded.value()->planned_nodes() == original->planned_nodes());
  CHECK(std::any_of(compiled.nodes.begin(), compiled.nodes.end(), [&](const Node& n) { return n.op == must_have; }));
  REQUIRE(loaded.value()->run(inputs, &got).ok());
  REQUIRE(want.size() == got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    CAPTURE(want[i].name);
    CHECK(want[i].name == got[i].name);
    REQUIRE(want[i].tensor.dtype() == got[i].tensor.dtype());
    REQUIRE(want[i].tensor.shape() == got[i].tensor.shape());
    CHECK(std::memcmp(want[i].tensor.raw_data(), got[i].tensor.raw_data(), want[i].tensor.byte_size()) == 0);
  }
}

Graph small_mobilenet() {
  zoo::BuildOptions options;
  options.image_size = 32;
  return zoo::build_zoo_model("mobilenetv2", options).value();
}

TEST_CASE("edgr: a compiled FP32 model runs bitwise the same from its .edgr bytes") {
  check_runs_the_same(small_mobilenet(), OpType::kConv);
}

TEST_CASE("edgr: an INT8 (QDQ-lowered) model runs bitwise the same from its .edgr bytes") {
  const Graph fp32 = small_mobilenet();
  const auto samples = sptq::calibration_samples(fp32, {{}, "", "", 2, 1}).value();
  check_runs_the_same(sptq::quantize(fp32, samples, {}).value().graph, OpType::kQConv);
}

// A tiny compiled CNN (Conv + ReLU, pooling, Gemm): the file the malformed-input cases take apart.
Graph tiny_compiled() {
  zoo::GraphBuilder b("tiny", 3);
  const ValueId x = b.input("edgr_input", DType::kF32, {1, 3, 6, 6});
  Attributes conv;
  conv.set_ints("pads", {1, 1, 1, 1});
  const ValueId c = b.op("Conv", "conv", {x, b.normal("w", {4, 3, 3, 3}, 0.3f), b.uniform("b", {4}, -0.1f, 0.1f)}, conv);
  const ValueId pooled = b.op("GlobalAveragePool", "pool", {b.op("Relu", "relu", {c})});
  Attributes flat, gemm;
  flat.set_int("axis", 1);
  gemm.set_int("transB", 1);
  const ValueId f = b.op("Flatten", "flatten", {pooled}, flat);
  b.output(b.op("Gemm", "fc", {f, b.normal("fc.w", {2, 4}, 0.5f), b.fill("fc.b", {2}, 0.1f)}, gemm), "y");
  auto session = Session::from_graph(b.finish().value()).value();
  REQUIRE(session->prepare(session->default_input_shapes().value()).ok());
  return session->plan()->graph();
}

uint64_t get_u64(const Bytes& f, size_t at) {
  uint64_t v = 0;
  std::memcpy(&v, f.data() + at, sizeof v);
  return v;
}

template <typename T>
void put(Bytes& f, size_t at, T v) {
  std::memcpy(f.data() + at, &v, sizeof v);
}

size_t find(const Bytes& f, const Bytes& needle) {
  const auto it = std::search(f.begin(), f.end(), needle.begin(), needle.end());
  REQUIRE(it != f.end());
  return static_cast<size_t>(it - f.begin());
}

// Strings as the format writes them (u32 length, bytes), one after the other.
Bytes encoded(const std::vector<std::string>& strings) {
  Bytes b;
  for (const std::string& s : strings) {
    const size_t at = b.size();
    b.resize(at + 4 + s.size());
    put<uint32_t>(b, at, static_cast<uint32_t>(s.size()));
    std::memcpy(b.data() + at + 4, s.data(), s.size());
  }
  return b;
}

TEST_CASE("edgr: malformed files give an error naming the fault") {
  const Graph tiny = tiny_compiled();
  const Bytes good = edgr_bytes(tiny);
  REQUIRE(std::any_of(tiny.nodes.begin(), tiny.nodes.end(), [](const Node& n) { return n.name == "pool"; }));
  const size_t meta_end = get_u64(good, 16) + get_u64(good, 24);
  const uint64_t data_begin = get_u64(good, 32);
  Bytes f = good;

  SUBCASE("bad magic") {
    f[0] = 'X';
    CHECK(read_error(f).find("no EDGR magic") != std::string::npos);
  }
  SUBCASE("another major version") {
    put<uint16_t>(f, 4, 2);
    CHECK(read_error(f) == "unsupported: edgr: format version 2.0, this reader reads version 1.x");
  }
  SUBCASE("a newer minor version loads") {
    put<uint16_t>(f, 6, 9);
    read_ok(f);
  }
  SUBCASE("truncated") {
    f.pop_back();
    CHECK(read_error(f).find("the header says the file has " + std::to_string(good.size()) + " bytes, got " +
                             std::to_string(good.size() - 1) + " (truncated?)") != std::string::npos);
  }
  SUBCASE("metadata offset + size wraps around") {
    put<uint64_t>(f, 16, std::numeric_limits<uint64_t>::max() - 7);
    CHECK(read_error(f).find("metadata section [18446744073709551608, 18446744073709551608 + ") != std::string::npos);
  }
  // The first constant's record ends with its data offset (the data section's start) and size.
  const Graph back = read_ok(good);
  const Tensor& first = *std::find_if(back.values.begin(), back.values.end(), [](const Value& v) {
                           return v.constant.has_value();
                         })->constant;
  Bytes record(16);
  put<uint64_t>(record, 0, data_begin);
  put<uint64_t>(record, 8, first.byte_size());
  SUBCASE("constant data past the end of the file") {
    put<uint64_t>(f, find(f, record), f.size());
    const std::string e = read_error(f);
    CHECK(e.find("data [" + std::to_string(f.size()) + ", " + std::to_string(f.size()) + " + " +
                 std::to_string(first.byte_size()) + ") is not inside the data section") != std::string::npos);
    CHECK(e.find("of the " + std::to_string(f.size()) + "-byte file") != std::string::npos);
  }
  SUBCASE("constant data offset + size wraps around") {
    put<uint64_t>(f, find(f, record), std::numeric_limits<uint64_t>::max() - 3);
    CHECK(read_error(f).find("is not inside the data section") != std::string::npos);
  }
  SUBCASE("constant data size does not match its shape") {
    put<uint64_t>(f, find(f, record) + 8, first.byte_size() + 4);
    CHECK(read_error(f).find("tensor has " + std::to_string(first.byte_size())) != std::string::npos);
  }
  SUBCASE("unknown op") {
    const size_t at = find(f, encoded({"GlobalAveragePool", "GlobalAveragePool"}));
    f[at + 2 * (4 + 17) - 1] = 'x';  // the op name, the second string
    CHECK(read_error(f).find("unsupported: edgr: node") != std::string::npos);
    CHECK(read_error(f).find("'pool' (GlobalAveragePool): unknown op 'GlobalAveragePoox'") != std::string::npos);
  }
  SUBCASE("value id out of range") {
    put<int32_t>(f, meta_end - 4, 1000);  // the last graph output
    CHECK(read_error(f).find("graph output 0: value id 1000 out of range (the file has ") != std::string::npos);
  }
  SUBCASE("bad dtype") {
    put<int32_t>(f, find(f, encoded({"edgr_input"})) + 14, 99);
    CHECK(read_error(f).find("value 0 'edgr_input': bad dtype 99") != std::string::npos);
  }
  // The value count follows the graph name and the opsets.
  size_t value_count_at = edgr::kHeaderSize + 4 + tiny.name.size() + 4;
  for (const auto& opset : tiny.opsets) value_count_at += 4 + opset.first.size() + 8;
  SUBCASE("absurd value count") {
    put<uint32_t>(f, value_count_at, 0xFFFFFFFFu);
    CHECK(read_error(f).find("4294967295 values, more than the cap") != std::string::npos);
  }
  SUBCASE("value count past the metadata's bytes") {
    put<uint32_t>(f, value_count_at, 1u << 20);
    CHECK(read_error(f).find("1048576 values cannot fit in the") != std::string::npos);
  }
  SUBCASE("absurd string length") {
    put<uint32_t>(f, edgr::kHeaderSize, 0xFFFFFFF0u);  // the graph name's
    CHECK(read_error(f).find("graph name: 4294967280 string bytes, more than the cap") != std::string::npos);
  }
  SUBCASE("a buffer that is not 16-byte aligned") {
    Bytes shifted(good.size() + 1);
    std::memcpy(shifted.data() + 1, good.data(), good.size());
    Result<Graph> g = read_edgr(shifted.data() + 1, good.size());
    REQUIRE_FALSE(g.ok());
    CHECK(g.status().to_string().find("invalid argument: edgr: the model's bytes must start at a 16-byte aligned") == 0);
    // Session copies the bytes into an aligned buffer of its own.
    CHECK(Session::load_bytes(shifted.data() + 1, good.size()).ok());
  }
}

TEST_CASE("edgr: a string constant cannot be written") {
  Graph g = rich_graph();
  g.value(*g.find_value("scale")).constant = Tensor::borrow(DType::kString, {}, nullptr);
  Result<Bytes> bytes = write_edgr(g);
  REQUIRE_FALSE(bytes.ok());
  CHECK(bytes.status().to_string() == "unsupported: edgr: value 'scale': a tensor of type string cannot be stored");
}

// Loads and runs a file that read_edgr accepted; errors are fine, crashes are not. A corrupted dim or
// pad may ask for a terabyte arena, which aligned_alloc refuses with an error but the sanitizers
// report as a crash, so only graphs of test size are compiled.
void load_and_run(const Bytes& copy, const Graph& g) {
  std::map<std::string, Shape> shapes;
  for (ValueId id : g.inputs) {
    const Value& v = g.value(id);
    if (!v.has_shape) return;
    shapes[v.name] = concrete_shape(v);
  }
  Graph probe = g;
  if (!infer_shapes(probe, shapes).ok()) return;
  size_t bytes = 0;
  for (const Value& v : probe.values) {
    if (!v.has_shape) continue;
    Result<int64_t> n = checked_num_elements(concrete_shape(v));
    if (!n.ok()) return;
    bytes += static_cast<size_t>(n.value()) * dtype_size(v.dtype);
  }
  if (bytes > (size_t{16} << 20)) return;
  auto session = Session::load_bytes(copy.data(), copy.size());
  if (!session.ok()) return;
  std::vector<NamedTensor> inputs, outputs;
  for (const auto& [name, shape] : shapes) {
    Result<Tensor> t = Tensor::allocate(g.value(*g.find_value(name)).dtype, shape);
    if (!t.ok()) return;
    inputs.push_back({name, t.value()});
  }
  (void)session.value()->run(inputs, &outputs);
}

TEST_CASE("edgr: every truncation is an error, random corruptions load or give an error") {
  const Bytes good = edgr_bytes(tiny_compiled());
  for (size_t n = 0; n < good.size(); ++n) {
    CAPTURE(n);
    Bytes prefix(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
    CHECK_FALSE(read_edgr(prefix.data(), prefix.size()).ok());
    // The same prefix with a header that agrees with its size: the reader must find what is cut off.
    if (n >= edgr::kHeaderSize) {
      put<uint64_t>(prefix, 8, n);
      Result<Graph> g = read_edgr(prefix.data(), prefix.size());
      REQUIRE_FALSE(g.ok());
      CHECK_FALSE(g.status().message().empty());
    }
  }
  // A metadata section cut short inside a whole file: the reader must not read on past its end.
  const uint64_t meta_size = get_u64(good, 24);
  for (uint64_t n = 0; n < meta_size; ++n) {
    CAPTURE(n);
    Bytes cut = good;
    put<uint64_t>(cut, 24, n);
    CHECK_FALSE(read_edgr(cut.data(), cut.size()).ok());
  }
  // Each byte of the header and metadata flipped and set to a random value; random bytes of the data.
  const size_t meta_end = get_u64(good, 16) + meta_size;
  std::mt19937 rng(7);
  std::vector<std::pair<size_t, uint8_t>> edits;
  for (size_t at = 0; at < meta_end; ++at) {
    edits.push_back({at, static_cast<uint8_t>(good[at] ^ 0xFF)});
    edits.push_back({at, static_cast<uint8_t>(rng())});
  }
  for (int i = 0; i < 64; ++i) edits.push_back({meta_end + rng() % (good.size() - meta_end), static_cast<uint8_t>(rng())});
  int loaded = 0;
  for (const auto& [at, byte] : edits) {
    CAPTURE(at);
    Bytes copy = good;
    copy[at] = byte;
    Result<Graph> g = read_edgr(copy.data(), copy.size());
    if (!g.ok()) {
      CHECK(g.status().message().rfind("edgr: ", 0) == 0);
      continue;
    }
    ++loaded;
    load_and_run(copy, g.value());
  }
  // The data bytes, the names and the floats load; most other edits do not.
  CHECK(loaded >= 64);
  CHECK(loaded < static_cast<int>(edits.size()) / 2);
}

}  // namespace
}  // namespace edgerun
