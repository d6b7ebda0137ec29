// fashion-scenes reader: the fixture scenes against NumPy's counts (tests/data/eval/scenes_facts.json),
// and .npy files with the wrong type, shape or label range.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "models/data/fashion_scenes.h"
#include "tools/common/npy.h"

namespace edgerun::data {
namespace {

const std::string kEvalDir = std::string(EDGERUN_TEST_DATA_DIR) + "/eval/";

// A folder with images.npy and labels.npy as given.
std::string scene_dir(const std::string& name, const Tensor& images, const Tensor& labels) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("edgerun_scenes_test_" + std::to_string(getpid()) + "_" + name);
  std::filesystem::create_directories(dir);
  REQUIRE(write_npy((dir / "images.npy").string(), images).ok());
  REQUIRE(write_npy((dir / "labels.npy").string(), labels).ok());
  return dir.string();
}

Tensor u8(const Shape& shape, uint8_t fill = 0) {
  return Tensor::from_vector<uint8_t>(shape, std::vector<uint8_t>(static_cast<size_t>(num_elements(shape)), fill));
}

void check_error(const Status& st, const std::string& fragment) {
  CAPTURE(st.to_string());
  CHECK(!st.ok());
  CHECK(st.message().find(fragment) != std::string::npos);
}

TEST_CASE("fashion-scenes: fixture scenes match NumPy's counts") {
  std::ifstream in(kEvalDir + "scenes_facts.json");
  REQUIRE(in.good());
  const nlohmann::json facts = nlohmann::json::parse(in);
  Result<LabelledScenes> r = load_fashion_scenes(kEvalDir + "scenes");
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  CHECK(r->count == facts["count"].get<int64_t>());
  CHECK(r->height == 64);
  CHECK(r->width == 64);
  std::vector<int64_t> pixels(kFashionScenesClasses, 0);
  for (uint8_t l : r->labels) ++pixels[l];
  CHECK(pixels == facts["class_pixels"].get<std::vector<int64_t>>());
  CHECK(std::accumulate(r->pixels.begin(), r->pixels.end(), int64_t{0}) == facts["pixel_sum"].get<int64_t>());
}

TEST_CASE("fashion-scenes: bad files are refused") {
  CHECK(load_fashion_scenes(scene_dir("ok", u8({2, 1, 4, 4}), u8({2, 4, 4}, 10))).ok());
  check_error(load_fashion_scenes("/nonexistent").status(), "images.npy");
  check_error(load_fashion_scenes(scene_dir("label", u8({2, 1, 4, 4}), u8({2, 4, 4}, 11))).status(), "pixel label 11");
  check_error(load_fashion_scenes(scene_dir("count", u8({2, 1, 4, 4}), u8({3, 4, 4}))).status(), "do not match");
  check_error(load_fashion_scenes(scene_dir("size", u8({2, 1, 4, 4}), u8({2, 4, 5}))).status(), "do not match");
  check_error(load_fashion_scenes(scene_dir("channels", u8({2, 3, 4, 4}), u8({2, 4, 4}))).status(), "[N, 1, H, W]");
  check_error(load_fashion_scenes(scene_dir("rank", u8({2, 1, 4, 4}), u8({2, 16}))).status(), "[N, H, W]");
  const Tensor floats = Tensor::from_vector<float>({1, 1, 2, 2}, {0, 0, 0, 0});
  check_error(load_fashion_scenes(scene_dir("dtype", floats, u8({1, 2, 2}))).status(), "uint8");
  check_error(load_fashion_scenes(scene_dir("empty", u8({0, 1, 4, 4}), u8({0, 4, 4}))).status(), "no scenes");
  const std::string dir = scene_dir("corrupt", u8({2, 1, 4, 4}), u8({2, 4, 4}));
  std::ofstream(dir + "/labels.npy", std::ios::binary) << "\x93NUMPY garbage";
  CHECK(!load_fashion_scenes(dir).ok());
}

}  // namespace
}  // namespace edgerun::data
