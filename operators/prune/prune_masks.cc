#include "operators/prune/prune_masks.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace edgerun::prune {

namespace {

// Block groups of a matrix: the group of entry (r, c), their scores and sizes.
struct Groups {
  int64_t per_row = 0;  // groups across one block row
  std::vector<double> score;
  std::vector<int64_t> size;
};

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

int64_t group_of(const Pattern& p, int64_t per_row, int64_t r, int64_t c) {
  return (r / p.block_rows) * per_row + c / p.block_cols;
}

// Unstructured is 1x1 blocks.
Groups block_groups(const WeightMatrix& w, const Pattern& p) {
  Groups g;
  g.per_row = ceil_div(w.cols, p.block_cols);
  const int64_t count = ceil_div(w.rows, p.block_rows) * g.per_row;
  g.score.assign(static_cast<size_t>(count), 0.0);
  g.size.assign(static_cast<size_t>(count), 0);
  for (int64_t r = 0; r < w.rows; ++r) {
    for (int64_t c = 0; c < w.cols; ++c) {
      const size_t id = static_cast<size_t>(group_of(p, g.per_row, r, c));
      g.score[id] += std::fabs(w.data[r * w.cols + c]);
      ++g.size[id];
    }
  }
  return g;
}

Pattern as_blocks(const Pattern& p) {
  if (p.kind == Pattern::Kind::kBlock) return p;
  Pattern one;
  one.kind = Pattern::Kind::kBlock;
  return one;
}

std::vector<uint8_t> mask_of_pruned_groups(const WeightMatrix& w, const Pattern& p, const Groups& g,
                                           const std::vector<bool>& pruned) {
  std::vector<uint8_t> mask(static_cast<size_t>(w.rows * w.cols), 1);
  for (int64_t r = 0; r < w.rows; ++r) {
    for (int64_t c = 0; c < w.cols; ++c) {
      if (pruned[static_cast<size_t>(group_of(p, g.per_row, r, c))]) mask[static_cast<size_t>(r * w.cols + c)] = 0;
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

struct RankedGroup {
  double score;
  size_t layer, group;
};

// Prunes groups in order until `target` entries are pruned.
void prune_in_order(const std::vector<RankedGroup>& ranked, const std::vector<const Groups*>& groups, int64_t target,
                    std::vector<std::vector<bool>>* pruned) {
  int64_t done = 0;
  for (const RankedGroup& g : ranked) {
    if (done >= target) break;
    (*pruned)[g.layer][g.group] = true;
    done += groups[g.layer]->size[g.group];
  }
}

std::vector<RankedGroup> rank(const std::vector<const Groups*>& groups) {
  std::vector<RankedGroup> ranked;
  for (size_t l = 0; l < groups.size(); ++l) {
    for (size_t i = 0; i < groups[l]->score.size(); ++i) ranked.push_back({groups[l]->score[i], l, i});
  }
  // Lowest score first; ties keep layer and group order, so the result does not depend on the sort.
  std::stable_sort(ranked.begin(), ranked.end(), [](const RankedGroup& a, const RankedGroup& b) { return a.score < b.score; });
  return ranked;
}

}  // namespace

Result<Pattern> parse_pattern(const std::string& name) {
  Pattern p;
  if (name == "unstructured") return p;
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
                          "N:M with N < M such as 2:4)");
}

std::string pattern_name(const Pattern& p) {
  switch (p.kind) {
    case Pattern::Kind::kUnstructured: return "unstructured";
    case Pattern::Kind::kBlock: return std::to_string(p.block_rows) + "x" + std::to_string(p.block_cols);
    case Pattern::Kind::kNM: return std::to_string(p.n) + ":" + std::to_string(p.m);
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
  const Pattern blocks = as_blocks(pattern);
  std::vector<Groups> groups;
  int64_t total = 0;
  for (const WeightMatrix& w : weights) {
    RETURN_IF_ERROR(check(w, sparsity));
    groups.push_back(block_groups(w, blocks));
    total += w.rows * w.cols;
  }
  std::vector<const Groups*> views;
  std::vector<std::vector<bool>> pruned;
  for (const Groups& g : groups) {
    views.push_back(&g);
    pruned.emplace_back(g.score.size(), false);
  }
  prune_in_order(rank(views), views, static_cast<int64_t>(std::llround(sparsity * static_cast<double>(total))), &pruned);
  std::vector<std::vector<uint8_t>> masks;
  for (size_t l = 0; l < weights.size(); ++l) masks.push_back(mask_of_pruned_groups(weights[l], blocks, groups[l], pruned[l]));
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
  const Pattern blocks = as_blocks(pattern);
  const Groups g = block_groups(w, blocks);
  int64_t zero_entries = 0;
  for (size_t i = 0; i < g.score.size(); ++i) {
    if (g.score[i] == 0) zero_entries += g.size[i];
  }
  return static_cast<double>(zero_entries) / static_cast<double>(w.rows * w.cols);
}

}  // namespace edgerun::prune
