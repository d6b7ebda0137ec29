// The committed fashion-scenes test split (models/train/fashion_scenes.py): images.npy uint8
// [N, 1, H, W] and labels.npy uint8 [N, H, W], per-pixel class 0 = background, 1..10 = item class + 1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/status.h"

namespace edgerun::data {

constexpr int64_t kFashionScenesClasses = 11;

struct LabelledScenes {
  int64_t count = 0;
  int64_t height = 0;
  int64_t width = 0;
  std::vector<uint8_t> pixels;  // [count, height, width] (the channel dim of 1 dropped)
  std::vector<uint8_t> labels;  // [count, height, width], each < kFashionScenesClasses
};

// Reads DIR/images.npy and DIR/labels.npy; validates dtypes, ranks, matching sizes and the label range.
Result<LabelledScenes> load_fashion_scenes(const std::string& dir);

}  // namespace edgerun::data
