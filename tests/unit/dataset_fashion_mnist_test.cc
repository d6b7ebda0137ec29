// Fashion-MNIST reader: the real t10k split against facts Python's gzip + NumPy read from the same files
// (tests/data/eval/fashion_facts.json), and gzip / IDX inputs that are corrupt in every way we check.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "models/data/fashion_mnist.h"
#include "models/data/file_bytes.h"
#include "models/data/gzip_file.h"
#include "models/data/idx.h"

namespace edgerun::data {
namespace {

const std::string kEvalDir = std::string(EDGERUN_TEST_DATA_DIR) + "/eval/";

std::string temp_file(const std::string& name, const std::vector<uint8_t>& bytes) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("edgerun_fmnist_test_" + std::to_string(getpid()) + "_" + name))
          .string();
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return path;
}

// IDX bytes: 0 0 08 rank, big-endian dims, data.
std::vector<uint8_t> idx(std::vector<uint32_t> dims, std::vector<uint8_t> data, uint8_t type = 0x08) {
  std::vector<uint8_t> out{0, 0, type, static_cast<uint8_t>(dims.size())};
  for (uint32_t d : dims) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(d >> s));
  }
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

void check_error(const Status& st, const std::string& fragment) {
  CAPTURE(st.to_string());
  CHECK(!st.ok());
  CHECK(st.message().find(fragment) != std::string::npos);
}

TEST_CASE("fashion-mnist: t10k matches what NumPy reads") {
  std::ifstream in(kEvalDir + "fashion_facts.json");
  REQUIRE(in.good());
  const nlohmann::json facts = nlohmann::json::parse(in);
  Result<LabelledImages> r = load_fashion_mnist(kFashionMnistDir);
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  const LabelledImages& d = r.value();
  CHECK(d.count == facts["count"].get<int64_t>());
  CHECK(d.height == facts["rows"].get<int64_t>());
  CHECK(d.width == facts["cols"].get<int64_t>());
  REQUIRE(d.pixels.size() == static_cast<size_t>(d.count * d.height * d.width));
  const auto first = facts["first_labels"].get<std::vector<int>>();
  for (size_t i = 0; i < first.size(); ++i) CHECK(d.labels[i] == first[i]);
  std::vector<int64_t> counts(10, 0);
  for (uint8_t l : d.labels) ++counts[l];
  CHECK(counts == facts["class_counts"].get<std::vector<int64_t>>());
  const size_t image = static_cast<size_t>(d.height * d.width);
  CHECK(std::accumulate(d.pixels.begin(), d.pixels.begin() + image, int64_t{0}) ==
        facts["pixel_sum_first"].get<int64_t>());
  CHECK(std::accumulate(d.pixels.end() - image, d.pixels.end(), int64_t{0}) == facts["pixel_sum_last"].get<int64_t>());
  CHECK(std::accumulate(d.pixels.begin(), d.pixels.end(), int64_t{0}) == facts["pixel_sum_all"].get<int64_t>());
}

TEST_CASE("fashion-mnist: missing folder and unknown split") {
  check_error(load_fashion_mnist("/nonexistent").status(), "does not exist");
  check_error(load_fashion_mnist(kFashionMnistDir, "valid").status(), "split");
}

TEST_CASE("gzip: concatenated members, plain, truncated and corrupt files") {
  Result<std::vector<uint8_t>> two = read_gzip_file(kEvalDir + "two_members.gz", 100);
  REQUIRE_MESSAGE(two.ok(), two.status().to_string());
  CHECK(std::string(two->begin(), two->end()) == "hello world");
  check_error(read_gzip_file(kEvalDir + "two_members.gz", 8).status(), "more than 8 bytes");

  Result<std::vector<uint8_t>> labels =
      read_file_bytes(std::string(kFashionMnistDir) + "/t10k-labels-idx1-ubyte.gz", 1 << 20);
  REQUIRE(labels.ok());
  const std::vector<uint8_t>& gz = labels.value();
  CHECK(gunzip(gz.data(), gz.size(), 1 << 20, "labels").ok());
  check_error(gunzip(gz.data(), gz.size() / 2, 1 << 20, "labels").status(), "truncated");
  std::vector<uint8_t> flipped = gz;
  flipped[gz.size() / 2] ^= 0xff;  // inside the deflate data: a bad code or a CRC mismatch
  check_error(gunzip(flipped.data(), flipped.size(), 1 << 20, "labels").status(), "corrupt");
  std::vector<uint8_t> trailing = gz;
  trailing.insert(trailing.end(), {'j', 'u', 'n', 'k'});
  check_error(gunzip(trailing.data(), trailing.size(), 1 << 20, "labels").status(), "corrupt");
  const std::vector<uint8_t> plain = idx({2}, {1, 2});
  check_error(gunzip(plain.data(), plain.size(), 1 << 20, "plain").status(), "not a gzip file");
  check_error(read_gzip_file(temp_file("plain.gz", plain), 1 << 20).status(), "not a gzip file");
  check_error(read_gzip_file("/nonexistent.gz", 1 << 20).status(), "does not exist");
}

TEST_CASE("idx: header and size checks") {
  const std::vector<uint8_t> ok = idx({2, 3}, {1, 2, 3, 4, 5, 6});
  Result<IdxArray> r = parse_idx_u8(ok.data(), ok.size(), 2, "ok");
  REQUIRE(r.ok());
  CHECK(r->dims == std::vector<int64_t>{2, 3});
  CHECK(r->data == std::vector<uint8_t>{1, 2, 3, 4, 5, 6});

  const std::vector<uint8_t> bad_magic = [&] {
    auto b = ok;
    b[1] = 1;
    return b;
  }();
  check_error(parse_idx_u8(bad_magic.data(), bad_magic.size(), 2, "x").status(), "magic");
  const std::vector<uint8_t> floats = idx({2, 3}, std::vector<uint8_t>(24), 0x0d);
  check_error(parse_idx_u8(floats.data(), floats.size(), 2, "x").status(), "element type 13");
  check_error(parse_idx_u8(ok.data(), ok.size(), 3, "x").status(), "rank 2, expected 3");
  check_error(parse_idx_u8(ok.data(), ok.size() - 1, 2, "x").status(), "need more bytes than the 5 present");
  check_error(parse_idx_u8(ok.data(), 6, 2, "x").status(), "truncated IDX header");
  check_error(parse_idx_u8(ok.data(), 3, 2, "x").status(), "too short");
  const std::vector<uint8_t> extra = idx({2, 3}, {1, 2, 3, 4, 5, 6, 7});
  check_error(parse_idx_u8(extra.data(), extra.size(), 2, "x").status(), "7 bytes follow");
  // Dims whose product overflows 64 bits must not wrap around to a small size.
  const std::vector<uint8_t> huge = idx({0xffffffffu, 0xffffffffu, 0xffffffffu}, {1});
  check_error(parse_idx_u8(huge.data(), huge.size(), 3, "x").status(), "need more bytes");
}

TEST_CASE("fashion-mnist: counts and labels are validated") {
  const std::vector<uint8_t> images = idx({2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7});
  CHECK(parse_fashion_mnist(images, idx({2}, {0, 9}), "d").ok());
  check_error(parse_fashion_mnist(images, idx({3}, {0, 1, 2}), "d").status(), "2 images but 3 labels");
  check_error(parse_fashion_mnist(images, idx({2}, {0, 10}), "d").status(), "label 10 of sample 1");
  check_error(parse_fashion_mnist(idx({0, 2, 2}, {}), idx({0}, {}), "d").status(), "no images");
  check_error(parse_fashion_mnist(idx({2, 4}, {0, 1, 2, 3, 4, 5, 6, 7}), idx({2}, {0, 1}), "d").status(), "rank 2");
}

}  // namespace
}  // namespace edgerun::data
