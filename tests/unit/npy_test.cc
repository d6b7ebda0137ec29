// .npy reader/writer against files written by numpy (tests/data/npy, made by
// models/tools/make_e2e_fixtures.py) and against corrupted bytes.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "tools/common/npy.h"

namespace edgerun {
namespace {

const std::string kDir = std::string(EDGERUN_TEST_DATA_DIR) + "/npy/";

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("edgerun_npy_test_" + std::to_string(getpid()) + "_" + name)).string();
}

void spill(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

Tensor must_read(const std::string& file) {
  Result<Tensor> r = read_npy(kDir + file);
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  return std::move(r).value();
}

template <typename T>
std::vector<T> elements(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

// The script stores [min, max, 0, 1, -1, 2] (signed) or [min, max, 0, 1, 2, 3] (unsigned), shape (2, 3).
template <typename T>
void check_int_file(const std::string& file) {
  CAPTURE(file);
  const Tensor t = must_read(file);
  CHECK(t.dtype() == DTypeOf<T>::value);
  CHECK(t.shape() == Shape{2, 3});
  using L = std::numeric_limits<T>;
  const std::vector<T> want = L::is_signed ? std::vector<T>{L::min(), L::max(), 0, 1, static_cast<T>(-1), 2}
                                           : std::vector<T>{L::min(), L::max(), 0, 1, 2, 3};
  CHECK(elements<T>(t) == want);
}

// The script stores i * 0.5 - 3 for i in 0..23, shape (2, 3, 4).
template <typename T>
void check_float_file(const std::string& file) {
  CAPTURE(file);
  const Tensor t = must_read(file);
  CHECK(t.dtype() == DTypeOf<T>::value);
  CHECK(t.shape() == Shape{2, 3, 4});
  for (int64_t i = 0; i < 24; ++i) CHECK(t.data<T>()[i] == static_cast<T>(i * 0.5 - 3));
}

TEST_CASE("read_npy reads every element type numpy writes") {
  check_int_file<int8_t>("i1.npy");
  check_int_file<uint8_t>("u1.npy");
  check_int_file<int16_t>("i2.npy");
  check_int_file<uint16_t>("u2.npy");
  check_int_file<int32_t>("i4.npy");
  check_int_file<uint32_t>("u4.npy");
  check_int_file<int64_t>("i8.npy");
  check_int_file<uint64_t>("u8.npy");
  check_float_file<float>("f4.npy");
  check_float_file<double>("f8.npy");

  const Tensor h = must_read("f2.npy");
  CHECK(h.dtype() == DType::kF16);
  for (int64_t i = 0; i < 24; ++i) CHECK(half_to_float(h.data<uint16_t>()[i]) == static_cast<float>(i * 0.5 - 3));

  const Tensor b = must_read("b1.npy");
  CHECK(b.dtype() == DType::kBool);
  CHECK(b.shape() == Shape{5});
  CHECK(elements<bool>(b) == std::vector<bool>{true, false, false, true, true});
}

TEST_CASE("read_npy reads scalars, empty arrays and format version 2.0") {
  const Tensor s = must_read("scalar_f8.npy");
  CHECK(s.shape().empty());
  CHECK(s.data<double>()[0] == 2.5);

  const Tensor e = must_read("empty_f4.npy");
  CHECK(e.dtype() == DType::kF32);
  CHECK(e.shape() == Shape{0, 3});

  const Tensor v2 = must_read("v2_i4.npy");
  CHECK(v2.shape() == Shape{7});
  CHECK(elements<int32_t>(v2) == std::vector<int32_t>{0, 1, 2, 3, 4, 5, 6});
}

TEST_CASE("read_npy refuses Fortran order, big-endian data and missing files, naming the file") {
  const struct {
    const char* file;
    StatusCode code;
    const char* says;
  } cases[] = {
      {"fortran_f4.npy", StatusCode::kUnsupported, "Fortran"},
      {"big_endian_f4.npy", StatusCode::kUnsupported, "big-endian"},
      {"no_such_file.npy", StatusCode::kNotFound, "no such file"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.file);
    Result<Tensor> r = read_npy(kDir + c.file);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == c.code);
    CHECK(r.status().message().find(c.says) != std::string::npos);
    CHECK(r.status().message().find(c.file) != std::string::npos);
  }
}

TEST_CASE("write_npy writes the same bytes as numpy.save") {
  for (const char* file : {"i1.npy", "u1.npy", "i2.npy", "u2.npy", "i4.npy", "u4.npy", "i8.npy", "u8.npy",
                           "f2.npy", "f4.npy", "f8.npy", "b1.npy", "scalar_f8.npy", "empty_f4.npy"}) {
    CAPTURE(file);
    const std::string out = temp_path(file);
    REQUIRE(write_npy(out, must_read(file)).ok());
    CHECK(slurp(out) == slurp(kDir + file));
    std::remove(out.c_str());
  }
}

TEST_CASE("write_npy then read_npy round-trips every type and rank") {
  const DType types[] = {DType::kF32, DType::kF64, DType::kF16, DType::kI8,  DType::kU8,  DType::kI16,
                         DType::kU16, DType::kI32, DType::kU32, DType::kI64, DType::kU64, DType::kBool};
  const Shape shapes[] = {{}, {0}, {3, 1, 2}, {1, 1, 1, 1, 1, 5}, {2, 0, 4}};
  const std::string path = temp_path("roundtrip.npy");
  for (DType type : types) {
    for (const Shape& shape : shapes) {
      CAPTURE(dtype_name(type));
      CAPTURE(shape_to_string(shape));
      Tensor t = Tensor::allocate(type, shape).value();
      auto* bytes = static_cast<unsigned char*>(t.raw_data());
      for (size_t i = 0; i < t.byte_size(); ++i) {
        bytes[i] = static_cast<unsigned char>(type == DType::kBool ? i % 3 == 0 : (i * 37 + 11) & 0xff);
      }
      REQUIRE(write_npy(path, t).ok());
      Result<Tensor> back = read_npy(path);
      REQUIRE_MESSAGE(back.ok(), back.status().to_string());
      CHECK(back->dtype() == type);
      CHECK(back->shape() == shape);
      CHECK(std::string(static_cast<const char*>(back->raw_data()), back->byte_size()) ==
            std::string(static_cast<const char*>(t.raw_data()), t.byte_size()));
    }
  }
  std::remove(path.c_str());
}

TEST_CASE("write_npy switches to format 2.0 when the header outgrows 64 KiB") {
  const Shape shape(30000, 1);  // "1, " per dim: a ~90 KB header
  const Tensor t = Tensor::allocate(DType::kI32, shape).value();
  const std::string path = temp_path("v2.npy");
  REQUIRE(write_npy(path, t).ok());
  const std::string bytes = slurp(path);
  REQUIRE(bytes.size() > 8);
  CHECK(bytes[6] == 2);
  Result<Tensor> back = read_npy(path);
  REQUIRE_MESSAGE(back.ok(), back.status().to_string());
  CHECK(back->shape() == shape);
  std::remove(path.c_str());
}

TEST_CASE("every truncation and any trailing byte of a valid file is an error") {
  const std::string good = slurp(kDir + "f4.npy");
  REQUIRE(parse_npy(good.data(), good.size()).ok());
  for (size_t n = 0; n < good.size(); ++n) {
    CAPTURE(n);
    CHECK_FALSE(parse_npy(good.data(), n).ok());
  }
  const std::string longer = good + "x";
  CHECK_FALSE(parse_npy(longer.data(), longer.size()).ok());

  const std::string path = temp_path("truncated.npy");
  spill(path, good.substr(0, good.size() - 5));
  Result<Tensor> r = read_npy(path);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("truncated") != std::string::npos);
  CHECK(r.status().message().find(path) != std::string::npos);
  std::remove(path.c_str());
}

TEST_CASE("any single corrupted header byte is parsed safely") {
  const std::string good = slurp(kDir + "i2.npy");
  REQUIRE(good.size() > 128);
  const size_t data_bytes = good.size() - 128;
  int accepted = 0;
  for (size_t pos = 0; pos < 128; ++pos) {
    for (int v = 0; v < 256; ++v) {
      std::string bad = good;
      bad[pos] = static_cast<char>(v);
      Result<Tensor> r = parse_npy(bad.data(), bad.size());
      if (!r.ok()) continue;
      // Harmless changes survive ('i2' -> 'u2', a space -> a tab); the data must still fit exactly.
      ++accepted;
      CHECK(r->byte_size() == data_bytes);
    }
  }
  CHECK(accepted > 0);
}

// A .npy file with the given header dict and data, laid out as numpy does (format 1.0).
std::string npy_bytes(const std::string& dict, const std::string& data, char major = 1) {
  std::string header = dict;
  header.append(63 - (10 + header.size()) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += major;
  out += '\0';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header + data;
}

TEST_CASE("malformed headers and data give clear errors") {
  const std::string f32x2(8, '\0');
  const struct {
    std::string bytes;
    StatusCode code;
    const char* says;
  } cases[] = {
      {std::string("xNUMPY\x01\x00\x00\x00", 10), StatusCode::kInvalidArgument, "magic"},
      {npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", f32x2, 4), StatusCode::kUnsupported,
       "version 4.0"},
      {std::string("\x93NUMPY\x02\x00\xff\xff\xff\x7f", 12), StatusCode::kInvalidArgument, "header of"},
      {npy_bytes("{'descr': '<f4', 'fortran_order': False}", f32x2), StatusCode::kInvalidArgument, "missing"},
      {npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", f32x2),
       StatusCode::kInvalidArgument, "unknown key 'x'"},
      {npy_bytes("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }", f32x2), StatusCode::kInvalidArgument,
       "True or False"},
      {npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1), }", f32x2),
       StatusCode::kInvalidArgument, "non-negative"},
      {npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", f32x2),
       StatusCode::kInvalidArgument, "too large"},
      {npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1048576, 1048576, 1048576), }", f32x2),
       StatusCode::kOutOfRange, ""},
      {npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", f32x2), StatusCode::kInvalidArgument,
       "expected ',' or '}'"},
      {npy_bytes("{'descr': '<f4", f32x2), StatusCode::kInvalidArgument, "unterminated string"},
      {npy_bytes("{'descr' '<f4', 'fortran_order': False, 'shape': (2,), }", f32x2), StatusCode::kInvalidArgument,
       "expected ':'"},
      {npy_bytes("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", f32x2), StatusCode::kUnsupported,
       "'<c8'"},
      {npy_bytes("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", f32x2),
       StatusCode::kUnsupported, "structured"},
      {npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", f32x2), StatusCode::kInvalidArgument,
       "truncated .npy data"},
      {npy_bytes("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", std::string("\x01\x02", 2)),
       StatusCode::kInvalidArgument, "bool element 1 is 2"},
  };
  // The helper itself makes a valid file.
  const std::string ok = npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", f32x2);
  CHECK(parse_npy(ok.data(), ok.size()).ok());
  for (const auto& c : cases) {
    CAPTURE(c.bytes);
    Result<Tensor> r = parse_npy(c.bytes.data(), c.bytes.size());
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == c.code);
    CHECK_MESSAGE(r.status().message().find(c.says) != std::string::npos, r.status().message());
  }
}

}  // namespace
}  // namespace edgerun
