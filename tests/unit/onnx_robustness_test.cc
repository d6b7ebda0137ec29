// The importer on hostile bytes: every truncation and many random corruptions of valid models and
// tensors must give a result or an error, never a crash or a read outside the buffer (the buffers are
// exact-size heap copies, so the ASan build catches any over-read).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "graph/onnx/onnx_importer.h"
#include "tests/util/onnx_builder.h"

namespace edgerun::onnx {
namespace {

namespace fs = std::filesystem;
using testing::ProtoWriter;
using namespace testing::onnx_pb;  // NOLINT: builders read as a small DSL

const fs::path kConvDir = "/usr/share/libonnx-testdata/data/node/test_conv_with_strides_padding";

std::vector<uint8_t> file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// A model touching every part of the importer: opsets, all attribute kinds, a Constant's tensor,
// raw and typed initializers, symbolic and fixed dims, value_info, unknown fields.
ProtoWriter rich_model() {
  GraphSpec s;
  s.nodes.push_back(node("Constant", {}, {"c"}, "const",
                         {attr_tensor("value", tensor("cv", kInt64, {2}).packed_varints(7, {3, -4}))}));
  s.nodes.push_back(node("Conv", {"x", "w", "b"}, {"y"}, "conv",
                         {attr_ints("kernel_shape", {3, 3}), attr_ints("pads", {1, 1, 1, 1}),
                          attr_string("auto_pad", "NOTSET"), attr_int("group", 1)}));
  s.nodes.push_back(node("LeakyRelu", {"y"}, {"z"}, "", {attr_float("alpha", 0.1f)}));
  s.nodes.push_back(node("Reshape", {"z", "c"}, {"out"}, "reshape",
                         {attr_floats("unused_fs", {1, 2}), attr_strings("unused_ss", {"p", "q"})}));
  std::vector<float> w(2 * 1 * 3 * 3);
  for (size_t i = 0; i < w.size(); ++i) w[i] = 0.5f * static_cast<float>(i);
  s.initializers.push_back(float_tensor("w", {2, 1, 3, 3}, w));
  s.initializers.push_back(tensor("b", kFloat, {2}).packed_fixed(4, std::vector<float>{0.25f, -1}));
  s.inputs.push_back(value_info("x", kFloat, {"N", 1, 5, 5}));
  s.outputs.push_back(value_info("out", kFloat, {3, "M"}));
  s.value_infos.push_back(value_info("y", kFloat, {"N", 2, 5, 5}));
  ProtoWriter g = graph(s);
  g.string(10, "doc").varint(999, 5);  // fields the importer skips
  return model(g, 13, {opset("ai.onnx", 13)});
}

// Imports an exact-size heap copy of `bytes[0, n)`; an error must explain itself.
void import_prefix(const std::vector<uint8_t>& bytes, size_t n, int* ok_count) {
  const std::vector<uint8_t> copy(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
  Result<Graph> g = import_model_bytes(copy.data(), copy.size());
  if (g.ok()) {
    ++*ok_count;
  } else {
    CHECK_FALSE(g.status().message().empty());
  }
}

void parse_tensor_prefix(const std::vector<uint8_t>& bytes, size_t n, int* ok_count) {
  const std::vector<uint8_t> copy(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
  Result<Tensor> t = parse_tensor_proto(copy.data(), copy.size());
  if (t.ok()) {
    ++*ok_count;
    // A tensor that parses is whole: its storage matches its shape.
    CHECK(t->byte_size() == static_cast<size_t>(t->num_elements()) * dtype_size(t->dtype()));
  } else {
    CHECK_FALSE(t.status().message().empty());
  }
}

TEST_CASE("the hand-built rich model imports whole") {
  const ProtoWriter m = rich_model();
  Result<Graph> g = import_model_bytes(m.data(), m.size());
  REQUIRE_MESSAGE(g.ok(), g.status().to_string());
  CHECK(g->nodes.size() == 4);
  CHECK(g->inputs.size() == 1);
}

TEST_CASE("every truncation of a model gives a result or an error") {
  std::vector<std::vector<uint8_t>> models{rich_model().bytes()};
  if (fs::exists(kConvDir)) models.push_back(file_bytes(kConvDir / "model.onnx"));
  for (const std::vector<uint8_t>& bytes : models) {
    int ok = 0;
    for (size_t n = 0; n < bytes.size(); ++n) import_prefix(bytes, n, &ok);
    // A prefix ending on a field boundary may be a valid smaller model; most are not.
    CHECK(ok < static_cast<int>(bytes.size()) / 4);
  }
}

TEST_CASE("every truncation of a tensor gives a result or an error") {
  std::vector<std::vector<uint8_t>> tensors{
      tensor("t", kInt64, {2, 3}).packed_varints(7, {1, -2, 300, 4, 5, int64_t{1} << 60}).bytes(),
      float_tensor("f", {2, 2}, {1, 2, 3, 4}).bytes()};
  if (fs::exists(kConvDir)) tensors.push_back(file_bytes(kConvDir / "test_data_set_0/input_0.pb"));
  for (const std::vector<uint8_t>& bytes : tensors) {
    int ok = 0;
    for (size_t n = 0; n < bytes.size(); ++n) parse_tensor_prefix(bytes, n, &ok);
    CHECK(ok == 0);  // every prefix lacks data for the full shape, or the dims, or the type
  }
}

// Mutations a fuzzer would make: overwrite, set special bytes, insert, delete, duplicate a range.
std::vector<uint8_t> mutate(std::vector<uint8_t> b, std::mt19937& rng) {
  auto pick = [&rng](size_t n) { return std::uniform_int_distribution<size_t>(0, n == 0 ? 0 : n - 1)(rng); };
  const int edits = 1 + static_cast<int>(pick(4));
  for (int e = 0; e < edits && !b.empty(); ++e) {
    const size_t at = pick(b.size());
    switch (pick(6)) {
      case 0: b[at] = static_cast<uint8_t>(rng()); break;
      case 1: b[at] = static_cast<uint8_t>(std::vector<int>{0x00, 0x7f, 0x80, 0xff}[pick(4)]); break;
      case 2: b[at] ^= static_cast<uint8_t>(1u << pick(8)); break;
      case 3: b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), static_cast<uint8_t>(rng())); break;
      case 4:
        b.erase(b.begin() + static_cast<std::ptrdiff_t>(at),
                b.begin() + static_cast<std::ptrdiff_t>(std::min(b.size(), at + 1 + pick(8))));
        break;
      default: {
        const size_t len = std::min(b.size() - at, 1 + pick(16));
        const std::vector<uint8_t> piece(b.begin() + static_cast<std::ptrdiff_t>(at),
                                         b.begin() + static_cast<std::ptrdiff_t>(at + len));
        const size_t to = pick(b.size());
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(to), piece.begin(), piece.end());
      }
    }
  }
  return b;
}

TEST_CASE("random corruption of models and tensors never crashes") {
  std::mt19937 rng(20240601);
  std::vector<std::vector<uint8_t>> models{rich_model().bytes()};
  std::vector<std::vector<uint8_t>> tensors{tensor("t", kInt32, {4}).packed_varints(5, {1, -1, 7, 9}).bytes(),
                                            float_tensor("f", {3}, {1, 2, 3}).bytes()};
  if (fs::exists(kConvDir)) {
    models.push_back(file_bytes(kConvDir / "model.onnx"));
    tensors.push_back(file_bytes(kConvDir / "test_data_set_0/input_1.pb"));
  }
  int models_ok = 0, tensors_ok = 0;
  constexpr int kIterations = 3000;
  for (int i = 0; i < kIterations; ++i) {
    const std::vector<uint8_t> m = mutate(models[static_cast<size_t>(i) % models.size()], rng);
    import_prefix(m, m.size(), &models_ok);
    const std::vector<uint8_t> t = mutate(tensors[static_cast<size_t>(i) % tensors.size()], rng);
    parse_tensor_prefix(t, t.size(), &tensors_ok);
  }
  MESSAGE("corrupted models imported: " << models_ok << "/" << kIterations << ", tensors parsed: " << tensors_ok << "/"
                                        << kIterations);
  CHECK(models_ok < kIterations);
}

TEST_CASE("random bytes never crash") {
  std::mt19937 rng(7);
  int ok = 0;
  for (int i = 0; i < 2000; ++i) {
    std::vector<uint8_t> b(std::uniform_int_distribution<size_t>(0, 300)(rng));
    for (uint8_t& x : b) x = static_cast<uint8_t>(rng());
    import_prefix(b, b.size(), &ok);
    parse_tensor_prefix(b, b.size(), &ok);
  }
  CHECK(ok < 2000);
}

}  // namespace
}  // namespace edgerun::onnx
