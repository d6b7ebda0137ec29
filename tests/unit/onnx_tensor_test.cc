// TensorProto decoding: every data field, size checks against the shape, and external data.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "graph/onnx/onnx_importer.h"
#include "tests/util/onnx_builder.h"

namespace edgerun::onnx {
namespace {

namespace fs = std::filesystem;
using testing::ProtoWriter;
using namespace testing::onnx_pb;  // NOLINT: builders read as a small DSL

bool contains(const Status& st, const std::string& text) { return st.message().find(text) != std::string::npos; }

Result<Tensor> parse(const ProtoWriter& w, const std::string& dir = "") {
  return parse_tensor_proto(w.data(), w.size(), dir);
}

TEST_CASE("typed data fields convert to every element type they may hold") {
  // int32_data carries the narrow types, bool and f16 bit patterns; narrowing wraps as in ONNX's numpy.
  const std::vector<int64_t> i32_values{-1, 0, 1, 127, 200, 70000, -129};
  auto check_int32 = [&](int32_t onnx_type, DType dtype, auto expect) {
    CAPTURE(dtype_name(dtype));
    Result<Tensor> t = parse(tensor("t", onnx_type, {7}).packed_varints(5, i32_values));
    REQUIRE_MESSAGE(t.ok(), t.status().to_string());
    CHECK(t->dtype() == dtype);
    for (size_t i = 0; i < i32_values.size(); ++i) {
      CHECK(t->as_int64(static_cast<int64_t>(i)) == expect(static_cast<int32_t>(i32_values[i])));
    }
  };
  check_int32(kInt32, DType::kI32, [](int32_t v) { return int64_t{v}; });
  check_int32(kInt8, DType::kI8, [](int32_t v) { return int64_t{static_cast<int8_t>(v)}; });
  check_int32(kUint8, DType::kU8, [](int32_t v) { return int64_t{static_cast<uint8_t>(v)}; });
  check_int32(4, DType::kU16, [](int32_t v) { return int64_t{static_cast<uint16_t>(v)}; });
  check_int32(5, DType::kI16, [](int32_t v) { return int64_t{static_cast<int16_t>(v)}; });
  check_int32(kBool, DType::kBool, [](int32_t v) { return int64_t{v != 0}; });

  Result<Tensor> f16 = parse(tensor("h", kFloat16, {2}).int64(5, float_to_half(1.5f)).int64(5, float_to_half(-2)));
  REQUIRE(f16.ok());
  CHECK(f16->as_double(0) == 1.5);
  CHECK(f16->as_double(1) == -2.0);

  Result<Tensor> f32 = parse(tensor("f", kFloat, {2, 2}).packed_fixed(4, std::vector<float>{1, -2, 3.5f, 1e-8f}));
  REQUIRE(f32.ok());
  CHECK(f32->data<float>()[2] == 3.5f);
  CHECK(f32->data<float>()[3] == 1e-8f);

  Result<Tensor> f64 = parse(tensor("d", kDouble, {2}).double64(10, 0.1).double64(10, -1e300));  // unpacked
  REQUIRE(f64.ok());
  CHECK(f64->data<double>()[0] == 0.1);
  CHECK(f64->data<double>()[1] == -1e300);

  Result<Tensor> i64 = parse(tensor("l", kInt64, {3}).packed_varints(7, {-5}).packed_varints(7, {int64_t{1} << 40, 0}));
  REQUIRE(i64.ok());  // two packed runs of one field concatenate
  CHECK(i64->to_int64_vector() == std::vector<int64_t>{-5, int64_t{1} << 40, 0});

  Result<Tensor> u32 = parse(tensor("u", kUint32, {2}).varint(11, 4000000000u).varint(11, 7));
  REQUIRE(u32.ok());
  CHECK(u32->data<uint32_t>()[0] == 4000000000u);
  Result<Tensor> u64 = parse(tensor("u", kUint64, {1}).varint(11, ~uint64_t{0}));
  REQUIRE(u64.ok());
  CHECK(u64->data<uint64_t>()[0] == ~uint64_t{0});
}

TEST_CASE("raw_data is little-endian bytes; bool bytes are normalised") {
  const std::vector<int64_t> values{1, -2, int64_t{1} << 50};
  Result<Tensor> t = parse(tensor("r", kInt64, {3}).bytes(9, values.data(), 24));
  REQUIRE(t.ok());
  CHECK(t->to_int64_vector() == values);
  const uint8_t bools[] = {0, 1, 7};
  Result<Tensor> b = parse(tensor("b", kBool, {3}).bytes(9, bools, 3));
  REQUIRE(b.ok());
  CHECK(b->data<uint8_t>()[2] == 1);
  Result<Tensor> scalar = parse(float_tensor("s", {}, {2.5f}));
  REQUIRE(scalar.ok());
  CHECK(scalar->shape().empty());
  CHECK(scalar->data<float>()[0] == 2.5f);
  Result<Tensor> empty = parse(tensor("e", kFloat, {0, 3}));  // no data needed for zero elements
  REQUIRE(empty.ok());
  CHECK(empty->num_elements() == 0);
}

TEST_CASE("data that does not match the shape or type is an error naming the tensor") {
  struct Bad {
    const char* what;
    ProtoWriter proto;
    StatusCode code;
    const char* text;
  };
  const float four[] = {1, 2, 3, 4};
  std::vector<Bad> bad;
  bad.push_back({"too few raw bytes", tensor("w", kFloat, {2, 3}).bytes(9, four, 16), StatusCode::kInvalidModel,
                 "tensor 'w': raw_data holds 16 bytes, but a f32 tensor of shape [2,3] needs 24"});
  bad.push_back(
      {"too many raw bytes", tensor("w", kFloat, {3}).bytes(9, four, 16), StatusCode::kInvalidModel, "holds 16 bytes"});
  bad.push_back({"too few typed values", tensor("w", kInt64, {3}).packed_varints(7, {1, 2}), StatusCode::kInvalidModel,
                 "tensor 'w': int64_data holds 2 values"});
  bad.push_back({"too many typed values", tensor("w", kFloat, {1}).packed_fixed(4, std::vector<float>{1, 2}),
                 StatusCode::kInvalidModel, "float_data holds 2 values"});
  bad.push_back({"no data", tensor("w", kFloat, {2}), StatusCode::kInvalidModel, "tensor 'w': no data"});
  bad.push_back({"wrong typed field", tensor("w", kFloat, {1}).int64(7, 1), StatusCode::kInvalidModel,
                 "int64_data cannot hold a f32 tensor"});
  bad.push_back({"two typed fields", tensor("w", kInt32, {1}).int64(5, 1).int64(7, 1), StatusCode::kInvalidModel,
                 "also given in int32_data"});
  bad.push_back({"raw and typed", tensor("w", kFloat, {1}).bytes(9, four, 4).float32(4, 1), StatusCode::kInvalidModel,
                 "more than one"});
  bad.push_back({"string tensor", tensor("names", kString, {1}).string(6, "a"), StatusCode::kUnsupported,
                 "tensor 'names': string tensors are not supported"});
  bad.push_back(
      {"string_data in floats", tensor("w", kFloat, {1}).string(6, "a"), StatusCode::kInvalidModel, "string_data"});
  bad.push_back({"bfloat16", tensor("w", kBfloat16, {1}).bytes(9, four, 2), StatusCode::kUnsupported,
                 "tensor 'w': element type 16 (bfloat16) is not supported"});
  bad.push_back(
      {"no type", ProtoWriter().int64(1, 1).string(8, "w"), StatusCode::kInvalidModel, "tensor 'w': no data_type"});
  bad.push_back({"negative type", tensor("w", -3, {1}), StatusCode::kInvalidModel, "invalid element type -3"});
  bad.push_back({"negative dim", tensor("w", kFloat, {-1}), StatusCode::kInvalidModel, "tensor 'w': negative dim -1"});
  bad.push_back({"segment", tensor("w", kFloat, {1}).bytes(9, four, 4).message(3, ProtoWriter()),
                 StatusCode::kUnsupported, "segmented"});
  bad.push_back({"bad data_location", tensor("w", kFloat, {1}).bytes(9, four, 4).int64(14, 5),
                 StatusCode::kInvalidModel, "data_location 5"});
  bad.push_back({"int32 value too wide", tensor("w", kInt32, {1}).varint(5, uint64_t{1} << 40),
                 StatusCode::kInvalidModel, "TensorProto.int32_data"});
  bad.push_back({"unnamed", tensor("", kFloat, {2}), StatusCode::kInvalidModel, "tensor at TensorProto"});
  for (const Bad& b : bad) {
    CAPTURE(b.what);
    Result<Tensor> t = parse(b.proto);
    REQUIRE_FALSE(t.ok());
    CAPTURE(t.status().to_string());
    CHECK(t.status().code() == b.code);
    CHECK(contains(t.status(), b.text));
  }
}

TEST_CASE("absurd dims are rejected before anything is allocated") {
  const int64_t big = int64_t{1} << 40;
  const float one = 1.0f;
  Result<Tensor> t = parse(tensor("huge", kFloat, {big, big}).bytes(9, &one, 4));
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().code() == StatusCode::kOutOfRange);
  CHECK(contains(t.status(), "tensor 'huge'"));
  // 2^40 elements pass the element cap, but 4 bytes of data cannot fill them: no 4 TiB allocation.
  t = parse(tensor("big", kFloat, {big}).bytes(9, &one, 4));
  REQUIRE_FALSE(t.ok());
  CHECK(contains(t.status(), "tensor 'big': raw_data holds 4 bytes"));
  t = parse(tensor("big", kInt64, {big}).int64(7, 1));
  REQUIRE_FALSE(t.ok());
  CHECK(contains(t.status(), "int64_data holds 1 values"));
  t = parse(tensor("big", kFloat, {big}));
  REQUIRE_FALSE(t.ok());
  CHECK(contains(t.status(), "no data"));

  GraphSpec s;  // the same inside a model names the initializer
  s.initializers.push_back(tensor("weights", kFloat, {big, big, big}).bytes(9, &one, 4));
  const ProtoWriter m = model(graph(s));
  Result<Graph> g = import_model_bytes(m.data(), m.size());
  REQUIRE_FALSE(g.ok());
  CHECK(contains(g.status(), "tensor 'weights'"));
}

// A fresh folder under the system temp folder, removed at the end.
struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("edgerun_onnx_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void write(const std::string& name, const void* data, size_t size) const {
    fs::create_directories((path / name).parent_path());
    std::ofstream out(path / name, std::ios::binary);
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
};

TEST_CASE("external data is read from inside the model folder only") {
  TempDir dir;
  const std::vector<float> weights{1, 2, 3, 4, 5, 6, 7, 8};
  dir.write("weights.bin", weights.data(), weights.size() * sizeof(float));
  dir.write("sub/more.bin", weights.data(), weights.size() * sizeof(float));
  const std::string folder = dir.path.string();

  Result<Tensor> t = parse(external_tensor("w", kFloat, {2, 4}, "weights.bin"), folder);
  REQUIRE_MESSAGE(t.ok(), t.status().to_string());
  CHECK(t->data<float>()[7] == 8.0f);
  t = parse(external_tensor("w", kFloat, {3}, "sub/more.bin", "8", "12"), folder);
  REQUIRE_MESSAGE(t.ok(), t.status().to_string());
  CHECK(t->data<float>()[0] == 3.0f);
  CHECK(t->data<float>()[2] == 5.0f);
  t = parse(external_tensor("w", kFloat, {2}, "./weights.bin", "24"), folder);  // length: to the end
  REQUIRE_MESSAGE(t.ok(), t.status().to_string());
  CHECK(t->data<float>()[1] == 8.0f);

  // Through the file API: locations are relative to the model's folder.
  GraphSpec s;
  s.nodes.push_back(node("Add", {"x", "w"}, {"y"}, "add"));
  s.initializers.push_back(external_tensor("w", kFloat, {8}, "weights.bin"));
  s.inputs.push_back(value_info("x", kFloat, {8}));
  s.outputs.push_back(value_info("y", kFloat, {8}));
  const ProtoWriter m = model(graph(s));
  dir.write("model.onnx", m.data(), m.size());
  Result<Graph> g = import_model_file((dir.path / "model.onnx").string());
  REQUIRE_MESSAGE(g.ok(), g.status().to_string());
  CHECK(g->value(*g->find_value("w")).constant->data<float>()[3] == 4.0f);
  g = import_model_bytes(m.data(), m.size());  // bytes alone: no folder to resolve against
  REQUIRE_FALSE(g.ok());
  CHECK(contains(g.status(), "tensor 'w': external data 'weights.bin'"));

  const fs::path outside = dir.path.parent_path() / (dir.path.filename().string() + "_secret.bin");
  { std::ofstream(outside, std::ios::binary).write("12345678", 8); }
  fs::create_symlink(outside, dir.path / "link.bin");
  struct Bad {
    const char* what;
    ProtoWriter proto;
    const char* text;
  };
  const std::string up = "../" + outside.filename().string();
  std::vector<Bad> bad;
  bad.push_back({"parent folder", external_tensor("w", kFloat, {2}, up), "leaves the model folder"});
  bad.push_back({"inner parent", external_tensor("w", kFloat, {2}, "sub/../../x.bin"), "leaves the model folder"});
  bad.push_back({"absolute", external_tensor("w", kFloat, {2}, outside.string()), "absolute"});
  bad.push_back({"link out", external_tensor("w", kFloat, {2}, "link.bin"), "resolves outside the model folder"});
  bad.push_back({"missing file", external_tensor("w", kFloat, {2}, "nope.bin"), "cannot open"});
  bad.push_back({"folder", external_tensor("w", kFloat, {2}, "sub"), "not a regular file"});
  bad.push_back({"offset past end", external_tensor("w", kFloat, {1}, "weights.bin", "40"), "past the end"});
  bad.push_back({"length past end", external_tensor("w", kFloat, {2}, "weights.bin", "28", "8"), "past the end"});
  bad.push_back(
      {"huge length", external_tensor("w", kFloat, {2}, "weights.bin", "0", "99999999999999"), "past the end"});
  bad.push_back({"short for shape", external_tensor("w", kFloat, {9}, "weights.bin"), "external data holds 32 bytes"});
  bad.push_back({"bad offset", external_tensor("w", kFloat, {2}, "weights.bin", "-4"), "bad offset"});
  bad.push_back({"bad length", external_tensor("w", kFloat, {2}, "weights.bin", "0", "8x"), "bad length"});
  bad.push_back({"no location", tensor("w", kFloat, {2}).int64(14, 1), "without a location"});
  bad.push_back({"empty location", external_tensor("w", kFloat, {2}, ""), "no location"});
  bad.push_back({"nul in location", external_tensor("w", kFloat, {2}, std::string("weights.bin\0x", 13)), "NUL"});
  bad.push_back({"raw and external", external_tensor("w", kFloat, {1}, "weights.bin", "0", "4").bytes(9, "abcd", 4),
                 "more than one"});
  for (const Bad& b : bad) {
    CAPTURE(b.what);
    Result<Tensor> r = parse(b.proto, folder);
    REQUIRE_FALSE(r.ok());
    CAPTURE(r.status().to_string());
    CHECK(contains(r.status(), "tensor 'w'"));
    CHECK(contains(r.status(), b.text));
  }
  fs::remove(outside);
}

}  // namespace
}  // namespace edgerun::onnx
