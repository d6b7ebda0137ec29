#include "graph/ops/select_params.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <type_traits>

namespace edgerun::ops {

namespace {
Status node_error(const Node& node, const std::string& message) {
  return invalid_model(node.describe() + ": " + message);
}

// The `axis` attribute normalized for x, or -1 when absent.
Result<int64_t> optional_axis(const Node& node, const Shape& x) {
  if (!node.attrs.has("axis")) return int64_t{-1};
  const int64_t axis = node.attrs.get_int("axis", 0);
  auto a = normalize_axis(axis, static_cast<int64_t>(x.size()));
  if (!a.ok() || x.empty()) {
    return node_error(node, "axis " + std::to_string(axis) + " out of range for input " + shape_to_string(x));
  }
  return a.value();
}

// Total order with NaN above every number and equal to itself.
template <typename T>
bool less_than(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a)) return false;
    if (std::isnan(b)) return true;
  }
  return a < b;
}

template <typename T>
UniqueGroups group_slices(const T* x, int64_t outer, int64_t n, int64_t inner, bool sorted) {
  // -1: slice a before slice b; 0: equal; 1: after.
  auto compare = [&](int64_t a, int64_t b) {
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner; ++i) {
        const T va = x[(o * n + a) * inner + i], vb = x[(o * n + b) * inner + i];
        if (less_than(va, vb)) return -1;
        if (less_than(vb, va)) return 1;
      }
    }
    return 0;
  };
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return compare(a, b) < 0; });
  // Groups in sorted order; a stable sort puts each group's first occurrence first.
  std::vector<int64_t> group_of(static_cast<size_t>(n)), first, counts;
  for (size_t k = 0; k < order.size(); ++k) {
    if (k == 0 || compare(order[k - 1], order[k]) != 0) {
      first.push_back(order[k]);
      counts.push_back(0);
    }
    group_of[static_cast<size_t>(order[k])] = static_cast<int64_t>(first.size()) - 1;
    ++counts.back();
  }
  std::vector<int64_t> rank(first.size());  // output position of each sorted group
  std::iota(rank.begin(), rank.end(), 0);
  if (!sorted) {
    std::vector<int64_t> by_first(first.size());
    std::iota(by_first.begin(), by_first.end(), 0);
    std::sort(by_first.begin(), by_first.end(), [&](int64_t a, int64_t b) {
      return first[static_cast<size_t>(a)] < first[static_cast<size_t>(b)];
    });
    for (size_t k = 0; k < by_first.size(); ++k) rank[static_cast<size_t>(by_first[k])] = static_cast<int64_t>(k);
  }
  UniqueGroups g;
  g.first.resize(first.size());
  g.counts.resize(first.size());
  for (size_t k = 0; k < first.size(); ++k) {
    g.first[static_cast<size_t>(rank[k])] = first[k];
    g.counts[static_cast<size_t>(rank[k])] = counts[k];
  }
  for (int64_t k = 0; k < n; ++k) g.inverse.push_back(rank[static_cast<size_t>(group_of[static_cast<size_t>(k)])]);
  return g;
}
}  // namespace

Result<CompressParams> compress_params(const Node& node, const Shape& x, const Tensor& condition) {
  if (condition.dtype() != DType::kBool || condition.rank() != 1) {
    return node_error(node, "condition must be a 1-D bool tensor");
  }
  CompressParams p;
  ASSIGN_OR_RETURN(p.axis, optional_axis(node, x));
  const int64_t dim = p.axis < 0 ? num_elements(x) : x[static_cast<size_t>(p.axis)];
  const bool* c = condition.data<bool>();
  for (int64_t i = 0; i < condition.num_elements(); ++i) {
    if (!c[i]) continue;
    if (i >= dim) return node_error(node, "condition selects position " + std::to_string(i) + " past the input");
    p.kept.push_back(i);
  }
  return p;
}

Result<UniqueGroups> unique_groups(const Node& node, const Tensor& x) {
  ASSIGN_OR_RETURN(const int64_t axis, optional_axis(node, x.shape()));
  const bool sorted = node.attrs.get_int("sorted", 1) != 0;
  int64_t outer = 1, n = x.num_elements(), inner = 1;
  if (axis >= 0) {
    n = x.dim(axis);
    for (int64_t d = 0; d < x.rank(); ++d) {
      if (d < axis) outer *= x.dim(d);
      if (d > axis) inner *= x.dim(d);
    }
  }
  UniqueGroups g;
  switch (x.dtype()) {
#define EDGERUN_GROUP(T) g = group_slices<T>(x.data<T>(), outer, n, inner, sorted); break;
    EDGERUN_NUMERIC_CASES(EDGERUN_GROUP);
    EDGERUN_CASE_TYPE(kBool, bool, EDGERUN_GROUP);
#undef EDGERUN_GROUP
    default: return unsupported(node.describe() + ": Unique of type " + dtype_name(x.dtype()));
  }
  g.axis = axis;
  return g;
}

}  // namespace edgerun::ops
