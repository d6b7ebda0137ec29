// Pruning masks (operators/prune/prune_masks.h) against brute-force selections, and the sparsity the
// trained white-box pruned ResNet carries (made by models/train/vision_prune.py: >= 75% of 2x1 blocks).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "graph/onnx/onnx_importer.h"
#include "models/data/task.h"
#include "operators/prune/prune_masks.h"

namespace edgerun::prune {
namespace {

std::vector<float> random_matrix(int64_t rows, int64_t cols, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0, 1);
  std::vector<float> w(static_cast<size_t>(rows * cols));
  for (float& v : w) v = normal(rng);
  return w;
}

struct Matrix {
  std::vector<float> w;
  int64_t rows, cols;
};

// Brute force: the (row block, col block) groups of all matrices listed in matrix, then row-major block
// order, stably sorted by score (the sum of magnitudes; bc = 0: whole rows scored by L1 norm over the
// matrix's mean row L1 norm, the channel pattern) and pruned lowest first until `target` entries are.
std::vector<std::vector<uint8_t>> brute_masks(const std::vector<Matrix>& ms, int64_t br, int64_t bc, int64_t target) {
  struct Block { double score; size_t m; int64_t r0, c0, n; };
  std::vector<Block> blocks;
  for (size_t m = 0; m < ms.size(); ++m) {
    const Matrix& x = ms[m];
    const int64_t width = bc == 0 ? x.cols : bc;
    const size_t first = blocks.size();
    for (int64_t r0 = 0; r0 < x.rows; r0 += br) {
      for (int64_t c0 = 0; c0 < x.cols; c0 += width) {
        Block b{0, m, r0, c0, 0};
        for (int64_t r = r0; r < std::min(x.rows, r0 + br); ++r) {
          for (int64_t c = c0; c < std::min(x.cols, c0 + width); ++c, ++b.n)
            b.score += std::fabs(x.w[static_cast<size_t>(r * x.cols + c)]);
        }
        blocks.push_back(b);
      }
    }
    if (bc == 0) {
      double sum = 0;
      for (size_t i = first; i < blocks.size(); ++i) sum += blocks[i].score;
      const double mean = sum / static_cast<double>(x.rows);
      for (size_t i = first; i < blocks.size(); ++i) blocks[i].score = mean > 0 ? blocks[i].score / mean : 0;
    }
  }
  std::stable_sort(blocks.begin(), blocks.end(), [](const Block& a, const Block& b) { return a.score < b.score; });
  std::vector<std::vector<uint8_t>> masks;
  for (const Matrix& x : ms) masks.emplace_back(x.w.size(), 1);
  int64_t done = 0;
  for (const Block& b : blocks) {
    if (done >= target) break;
    const Matrix& x = ms[b.m];
    const int64_t width = bc == 0 ? x.cols : bc;
    for (int64_t r = b.r0; r < std::min(x.rows, b.r0 + br); ++r) {
      for (int64_t c = b.c0; c < std::min(x.cols, b.c0 + width); ++c)
        masks[b.m][static_cast<size_t>(r * x.cols + c)] = 0;
    }
    done += b.n;
  }
  return masks;
}

TEST_CASE("prune: patterns parse and print; bad ones are refused with the forms") {
  for (const char* name : {"unstructured", "2x1", "4x1", "1x8", "2:4", "1:2", "channel"})
    CHECK(pattern_name(parse_pattern(name).value()) == name);
  for (const char* bad : {"", "2x", "x1", "0x1", "4:2", "2:2", "2-4", "dense", "channels"}) {
    auto p = parse_pattern(bad);
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().message().find("N:M") != std::string::npos);
    CHECK(p.status().message().find("channel") != std::string::npos);
  }
}

TEST_CASE("prune: unstructured and block masks prune the lowest-magnitude groups") {
  struct Case { int64_t rows, cols, br, bc; double sparsity; };
  for (const Case& k : {Case{6, 5, 1, 1, 0.5}, Case{6, 5, 2, 1, 0.75}, Case{5, 7, 2, 1, 0.5}, Case{9, 4, 4, 1, 0.9},
                        Case{4, 6, 2, 3, 0.3}}) {
    CAPTURE(k.rows);
    CAPTURE(k.br);
    const std::vector<float> w = random_matrix(k.rows, k.cols, static_cast<uint32_t>(k.rows * 31 + k.br));
    Pattern p = parse_pattern(k.br == 1 && k.bc == 1 ? "unstructured" : std::to_string(k.br) + "x" + std::to_string(k.bc)).value();
    const auto mask = layer_mask({w.data(), k.rows, k.cols}, p, k.sparsity).value();
    const int64_t target = std::llround(k.sparsity * static_cast<double>(k.rows * k.cols));
    CHECK(mask == brute_masks({{w, k.rows, k.cols}}, k.br, k.bc, target)[0]);
    // The masked weights carry the pattern: every pruned entry sits in an all-zero group.
    std::vector<float> masked = w;
    int64_t pruned = 0;
    for (size_t i = 0; i < w.size(); ++i) {
      masked[i] *= mask[i];
      pruned += mask[i] == 0;
    }
    CHECK(pruned >= target);
    CHECK(pattern_sparsity({masked.data(), k.rows, k.cols}, p) ==
          doctest::Approx(static_cast<double>(pruned) / static_cast<double>(w.size())));
  }
}

TEST_CASE("prune: 2:4 keeps the two largest of every four, a short tail its rounded-up share") {
  const int64_t rows = 3, cols = 7;
  const std::vector<float> w = random_matrix(rows, cols, 9);
  const auto mask = layer_mask({w.data(), rows, cols}, parse_pattern("2:4").value(), 0).value();
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t start : {int64_t{0}, int64_t{4}}) {
      const int64_t len = std::min<int64_t>(4, cols - start), keep = start == 0 ? 2 : 2;  // 3 * 2 / 4 = 1.5 -> 2
      std::vector<int64_t> idx(static_cast<size_t>(len));
      std::iota(idx.begin(), idx.end(), start);
      std::sort(idx.begin(), idx.end(), [&](int64_t a, int64_t b) {
        return std::fabs(w[static_cast<size_t>(r * cols + a)]) > std::fabs(w[static_cast<size_t>(r * cols + b)]);
      });
      for (int64_t i = 0; i < len; ++i)
        CHECK(mask[static_cast<size_t>(r * cols + idx[static_cast<size_t>(i)])] == (i < keep ? 1 : 0));
    }
  }
}

TEST_CASE("prune: a global threshold prunes across layers by magnitude") {
  std::vector<float> big = random_matrix(4, 4, 1), small = random_matrix(4, 4, 2);
  for (float& v : big) v *= 100;
  const Pattern p = parse_pattern("2x1").value();
  const auto masks = global_masks({{big.data(), 4, 4}, {small.data(), 4, 4}}, p, 0.5).value();
  // Half of all 32 entries: every block of the small layer, none of the big one.
  CHECK(std::count(masks[0].begin(), masks[0].end(), 0) == 0);
  CHECK(std::count(masks[1].begin(), masks[1].end(), 0) == 16);
  CHECK_FALSE(global_masks({{big.data(), 4, 4}}, parse_pattern("2:4").value(), 0.5).ok());
  CHECK_FALSE(layer_mask({big.data(), 4, 4}, p, 1.5).ok());
  CHECK_FALSE(layer_mask({nullptr, 0, 4}, p, 0.5).ok());
}

TEST_CASE("prune: global masks equal a stable sort of all groups, ties included") {
  // Few distinct magnitudes, so many groups tie, within a matrix and across matrices; the all-ones
  // matrices tie every row of the channel pattern at score 1.
  std::mt19937 rng(17);
  std::uniform_int_distribution<int> level(-4, 4);
  std::vector<Matrix> ms;
  for (const auto& [rows, cols] : std::vector<std::pair<int64_t, int64_t>>{{7, 5}, {4, 9}, {1, 3}, {12, 2}, {5, 5}}) {
    Matrix m{std::vector<float>(static_cast<size_t>(rows * cols)), rows, cols};
    for (float& v : m.w) v = 0.5f * static_cast<float>(level(rng));
    ms.push_back(std::move(m));
  }
  for (int k = 0; k < 2; ++k) ms.push_back({std::vector<float>(24, k == 0 ? 1.f : -1.f), 6, 4});
  std::vector<WeightMatrix> views;
  int64_t total = 0;
  for (const Matrix& m : ms) {
    views.push_back({m.w.data(), m.rows, m.cols});
    total += m.rows * m.cols;
  }
  struct Case { const char* pattern; int64_t br, bc; };
  for (const Case& c : {Case{"unstructured", 1, 1}, Case{"2x1", 2, 1}, Case{"4x1", 4, 1}, Case{"2x3", 2, 3},
                        Case{"channel", 1, 0}}) {
    for (double sparsity : {0.0, 0.1, 0.33, 0.5, 0.75, 0.9, 1.0}) {
      CAPTURE(c.pattern);
      CAPTURE(sparsity);
      const auto masks = global_masks(views, parse_pattern(c.pattern).value(), sparsity).value();
      CHECK(masks == brute_masks(ms, c.br, c.bc, std::llround(sparsity * static_cast<double>(total))));
    }
  }
}

TEST_CASE("prune: the trained pruned ResNet carries 75% of its conv weights in zero 2x1 blocks") {
  const Graph g = onnx::import_model_file(data::source_dir() + "/models/trained/resnet/pruned.onnx").value();
  const Pattern p = parse_pattern("2x1").value();
  double zero = 0, total = 0, dense_zero = 0;
  for (const Node& n : g.nodes) {
    if (n.op != OpType::kConv || n.name == "/conv1/Conv") continue;  // the stem was not pruned
    const Value& v = g.value(n.inputs.at(1));
    REQUIRE(v.constant.has_value());
    const Tensor& t = *v.constant;
    const WeightMatrix w{t.data<float>(), t.dim(0), t.num_elements() / t.dim(0)};
    zero += pattern_sparsity(w, p) * static_cast<double>(t.num_elements());
    total += static_cast<double>(t.num_elements());
  }
  CHECK(zero / total >= 0.75);
  const Graph dense = onnx::import_model_file(data::source_dir() + "/models/trained/resnet/model.onnx").value();
  for (const Node& n : dense.nodes) {
    if (n.op != OpType::kConv) continue;
    const Tensor& t = *dense.value(n.inputs.at(1)).constant;
    dense_zero += pattern_sparsity({t.data<float>(), t.dim(0), t.num_elements() / t.dim(0)}, p);
  }
  CHECK(dense_zero == 0);  // the dense model carries none
}

}  // namespace
}  // namespace edgerun::prune
