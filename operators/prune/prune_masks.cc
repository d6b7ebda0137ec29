#include "operators/prune/prune_masks.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

namespace edgerun::prune {

namespace {

// The groups of a matrix: blocks of a pattern's shape (unstructured is 1x1, channel 1 x cols), edge
// blocks smaller; group (i, j) is block row i, block column j, numbered row-major.
struct Groups {
  int64_t rows = 0, cols = 0, block_rows = 1, block_cols = 1;
  int64_t per_row = 0;  // groups across one block row
  std::vector<double> score;

  int64_t of(int64_t r, int64_t c) const { return (r / block_rows) * per_row + c / block_cols; }
};

// Calls f(group id, entries in the group) for every group in order.
template <typename F>
void for_each_group(const Groups& g, F f) {
  size_t id = 0;
  for (int64_t r0 = 0; r0 < g.rows; r0 += g.block_rows) {
    const int64_t height = std::min(g.block_rows, g.rows - r0);
    for (int64_t c0 = 0; c0 < g.cols; c0 += g.block_cols) f(id++, height * std::min(g.block_cols, g.cols - c0));
  }
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

Groups groups_of(const WeightMatrix& w, const Pattern& p) {
  Groups g;
  g.rows = w.rows;
  g.cols = w.cols;
  if (p.kind == Pattern::Kind::kBlock) {
    g.block_rows = p.block_rows;
    g.block_cols = p.block_cols;
  } else if (p.kind == Pattern::Kind::kChannel) {
    g.block_cols = w.cols;
  }
  g.per_row = ceil_div(w.cols, g.block_cols);
  g.score.assign(static_cast<size_t>(ceil_div(w.rows, g.block_rows) * g.per_row), 0.0);
  for (int64_t r = 0; r < w.rows; ++r) {
    for (int64_t c = 0; c < w.cols; ++c) g.score[static_cast<size_t>(g.of(r, c))] += std::fabs(w.data[r * w.cols + c]);
  }
  if (p.kind == Pattern::Kind::kChannel) {
    const double mean = std::accumulate(g.score.begin(), g.score.end(), 0.0) / static_cast<double>(w.rows);
    for (double& s : g.score) s = mean > 0 ? s / mean : 0;
  }
  return g;
}

std::vector<uint8_t> mask_of_pruned_groups(const Groups& g, const std::vector<bool>& pruned) {
  std::vector<uint8_t> mask(static_cast<size_t>(g.rows * g.cols), 1);
  for (int64_t r = 0; r < g.rows; ++r) {
    for (int64_t c = 0; c < g.cols; ++c) {
      if (pruned[static_cast<size_t>(g.of(r, c))]) mask[static_cast<size_t>(r * g.cols + c)] = 0;
    }
  }
  return mask;
}

std::vector<uint8_t> nm_mask(const WeightMatrix& w, const Pattern& p) {
  std::vector<uint8_t> mask(static_cast<size_t>(w.rows * w.cols), 0);
  std::vector<int64_t> order;
  for (int64_t r = 0; r < w.rows; ++r) {
    for (int64_t start = 0; start < w.cols; start += p.m) {
      const int64_t len = std::min(p.m, w.cols - start);
      order.resize(static_cast<size_t>(len));
      std::iota(order.begin(), order.end(), start);
      const float* row = w.data + r * w.cols;
      // Largest magnitudes first; the earlier entry on ties.
      std::stable_sort(order.begin(), order.end(),
                       [row](int64_t a, int64_t b) { return std::fabs(row[a]) > std::fabs(row[b]); });
      const int64_t keep = len * p.n / p.m + (len * p.n % p.m != 0);  // a short tail keeps its share, rounded up
      for (int64_t k = 0; k < keep; ++k) mask[static_cast<size_t>(r * w.cols + order[static_cast<size_t>(k)])] = 1;
    }
  }
  return mask;
}

Status check(const WeightMatrix& w, double sparsity) {
  if (w.rows < 1 || w.cols < 1 || w.data == nullptr)
    return invalid_argument("pruning needs a non-empty weight matrix, got " + std::to_string(w.rows) + " x " +
                            std::to_string(w.cols));
  if (!(sparsity >= 0 && sparsity <= 1)) return invalid_argument("sparsity must be in [0, 1], got " + std::to_string(sparsity));
  return Status::Ok();
}

// Scores are sums of magnitudes (>= +0), and non-negative doubles order as their bit patterns.
uint64_t order_key(double score) {
  uint64_t key;
  std::memcpy(&key, &score, sizeof key);
  return key;
}

// The threshold of global pruning: the smallest key K whose groups with keys <= K hold >= `target`
// entries (1 <= target <= all entries), and how many entries the groups below K hold. A radix select,
// 16 bits of the key a pass: each pass weighs by entries the groups whose higher bits match K's so far.
struct Threshold {
  uint64_t key = 0;
  int64_t below = 0;
};

Threshold select_threshold(const std::vector<Groups>& groups, int64_t target) {
  constexpr int kBits = 16;
  Threshold t;
  std::vector<int64_t> weight(size_t{1} << kBits);
  for (int shift = 64 - kBits; shift >= 0; shift -= kBits) {
    std::fill(weight.begin(), weight.end(), 0);
    const uint64_t higher = shift + kBits == 64 ? 0 : ~uint64_t{0} << (shift + kBits);
    for (const Groups& g : groups) {
      for_each_group(g, [&](size_t i, int64_t size) {
        const uint64_t key = order_key(g.score[i]);
        if ((key & higher) == t.key) weight[(key >> shift) & ((uint64_t{1} << kBits) - 1)] += size;
      });
    }
    uint64_t bin = 0;
    while (t.below + weight[bin] < target) t.below += weight[bin++];
    t.key |= bin << shift;
  }
  return t;
}

// Prunes the groups below the threshold, then its ties in matrix and group order until `target`
// entries are pruned: the run a stable sort by score would prune.
std::vector<std::vector<bool>> prune_to_target(const std::vector<Groups>& groups, int64_t target) {
  std::vector<std::vector<bool>> pruned;
  for (const Groups& g : groups) pruned.emplace_back(g.score.size(), false);
  if (target <= 0) return pruned;
  const Threshold t = select_threshold(groups, target);
  int64_t ties_left = target - t.below;
  for (size_t l = 0; l < groups.size(); ++l) {
    for_each_group(groups[l], [&](size_t i, int64_t size) {
      const uint64_t key = order_key(groups[l].score[i]);
      if (key < t.key) {
        pruned[l][i] = true;
      } else if (key == t.key && ties_left > 0) {
        pruned[l][i] = true;
        ties_left -= size;
      }
    });
  }
  return pruned;
}

}  // namespace

Result<Pattern> parse_pattern(const std::string& name) {
  Pattern p;
  if (name == "unstructured") return p;
  if (name == "channel") {
    p.kind = Pattern::Kind::kChannel;
    return p;
  }
  const size_t x = name.find('x'), colon = name.find(':');
  auto number = [](const std::string& s, int64_t* v) {
    if (s.empty() || s.size() > 6 || !std::all_of(s.begin(), s.end(), ::isdigit)) return false;
    *v = std::stoll(s);
    return *v >= 1;
  };
  if (x != std::string::npos && number(name.substr(0, x), &p.block_rows) && number(name.substr(x + 1), &p.block_cols)) {
    p.kind = Pattern::Kind::kBlock;
    return p;
  }
  if (colon != std::string::npos && number(name.substr(0, colon), &p.n) && number(name.substr(colon + 1), &p.m) &&
      p.n < p.m) {
    p.kind = Pattern::Kind::kNM;
    return p;
  }
  return invalid_argument("unknown pruning pattern '" + name + "' (unstructured, RxC blocks such as 2x1 or 4x1, "
                          "N:M with N < M such as 2:4, channel)");
}

std::string pattern_name(const Pattern& p) {
  switch (p.kind) {
    case Pattern::Kind::kUnstructured: return "unstructured";
    case Pattern::Kind::kBlock: return std::to_string(p.block_rows) + "x" + std::to_string(p.block_cols);
    case Pattern::Kind::kNM: return std::to_string(p.n) + ":" + std::to_string(p.m);
    case Pattern::Kind::kChannel: return "channel";
  }
  return "?";
}

Result<std::vector<uint8_t>> layer_mask(const WeightMatrix& w, const Pattern& pattern, double sparsity) {
  RETURN_IF_ERROR(check(w, sparsity));
  if (pattern.kind == Pattern::Kind::kNM) return nm_mask(w, pattern);
  ASSIGN_OR_RETURN(auto masks, global_masks({w}, pattern, sparsity));
  return std::move(masks[0]);
}

Result<std::vector<std::vector<uint8_t>>> global_masks(const std::vector<WeightMatrix>& weights, const Pattern& pattern,
                                                       double sparsity) {
  if (pattern.kind == Pattern::Kind::kNM)
    return invalid_argument("N:M pruning is per group of M entries; it has no global form");
  if (weights.empty()) return invalid_argument("global pruning needs at least one weight matrix");
  std::vector<Groups> groups;
  int64_t total = 0;
  for (const WeightMatrix& w : weights) {
    RETURN_IF_ERROR(check(w, sparsity));
    groups.push_back(groups_of(w, pattern));
    total += w.rows * w.cols;
  }
  const std::vector<std::vector<bool>> pruned =
      prune_to_target(groups, static_cast<int64_t>(std::llround(sparsity * static_cast<double>(total))));
  std::vector<std::vector<uint8_t>> masks;
  for (size_t l = 0; l < groups.size(); ++l) masks.push_back(mask_of_pruned_groups(groups[l], pruned[l]));
  return masks;
}

double pattern_sparsity(const WeightMatrix& w, const Pattern& pattern) {
  if (w.rows < 1 || w.cols < 1) return 0;
  if (pattern.kind == Pattern::Kind::kNM) {  // entries pruned in groups that meet the N:M pattern
    int64_t zeros = 0;
    for (int64_t r = 0; r < w.rows; ++r) {
      for (int64_t start = 0; start < w.cols; start += pattern.m) {
        const int64_t len = std::min(pattern.m, w.cols - start);
        int64_t z = 0;
        for (int64_t c = start; c < start + len; ++c) z += w.data[r * w.cols + c] == 0.f;
        if (z >= len - (len * pattern.n / pattern.m + (len * pattern.n % pattern.m != 0))) zeros += z;
      }
    }
    return static_cast<double>(zeros) / static_cast<double>(w.rows * w.cols);
  }
  const Groups g = groups_of(w, pattern);
  int64_t zero_entries = 0;
  for_each_group(g, [&](size_t i, int64_t size) { zero_entries += g.score[i] == 0 ? size : 0; });
  return static_cast<double>(zero_entries) / static_cast<double>(w.rows * w.cols);
}

}  // namespace edgerun::prune
