// Fashion-MNIST from Debian's dataset-fashion-mnist: gzipped IDX files
// {split}-images-idx3-ubyte.gz ([count, 28, 28] bytes) and {split}-labels-idx1-ubyte.gz ([count], 0..9).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/status.h"

namespace edgerun::data {

constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";
constexpr int64_t kFashionMnistClasses = 10;

struct LabelledImages {
  int64_t count = 0;
  int64_t height = 0;
  int64_t width = 0;
  std::vector<uint8_t> pixels;  // [count, height, width]
  std::vector<uint8_t> labels;  // [count], each < kFashionMnistClasses
};

// split: "t10k" (test, 10,000 images) or "train" (60,000). Validates magic numbers, ranks, sizes,
// that image and label counts agree, and the label range.
Result<LabelledImages> load_fashion_mnist(const std::string& dir, const std::string& split = "t10k");

// The same from IDX bytes already decompressed (tests); `what` names them in errors.
Result<LabelledImages> parse_fashion_mnist(const std::vector<uint8_t>& images_idx,
                                           const std::vector<uint8_t>& labels_idx, const std::string& what);

}  // namespace edgerun::data
