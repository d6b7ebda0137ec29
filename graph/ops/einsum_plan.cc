#include "graph/ops/einsum_plan.h"

#include <algorithm>
#include <array>
#include <string>

namespace edgerun::ops {

namespace {
constexpr int kLetters = 52;  // a-z then A-Z; label kLetters + j is broadcast dim j of "..."
constexpr int kEllipsis = -1;

int letter_id(char c) {
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= 'A' && c <= 'Z') return 26 + (c - 'A');
  return -2;
}

// ASCII order of the letter ids (upper case first), for the implicit output.
int ascii_rank(int id) { return id < 26 ? 26 + id : id - 26; }

Status node_error(const Node& node, const std::string& message) {
  return invalid_model(node.describe() + ": " + message);
}

// One term as letter ids, with kEllipsis for "...".
Result<std::vector<int>> parse_term(const Node& node, const std::string& term) {
  std::vector<int> labels;
  bool ellipsis = false;
  for (size_t i = 0; i < term.size(); ++i) {
    if (term[i] == '.') {
      if (ellipsis || term.compare(i, 3, "...") != 0) return node_error(node, "bad ellipsis in term '" + term + "'");
      ellipsis = true;
      labels.push_back(kEllipsis);
      i += 2;
      continue;
    }
    const int id = letter_id(term[i]);
    if (id < 0) return node_error(node, std::string("bad label '") + term[i] + "' in equation");
    labels.push_back(id);
  }
  return labels;
}
}  // namespace

Result<EinsumPlan> einsum_plan(const Node& node, const std::vector<Shape>& inputs) {
  std::string eq;
  for (char c : node.attrs.get_string("equation", "")) {
    if (c != ' ') eq.push_back(c);
  }
  const size_t arrow = eq.find("->");
  const std::string lhs = eq.substr(0, arrow);
  std::vector<std::vector<int>> terms;
  for (size_t start = 0;;) {
    const size_t comma = lhs.find(',', start);
    ASSIGN_OR_RETURN(std::vector<int> t, parse_term(node, lhs.substr(start, comma - start)));
    terms.push_back(std::move(t));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (terms.size() != inputs.size() || inputs.empty()) {
    return node_error(node, "equation '" + eq + "' has " + std::to_string(terms.size()) + " terms for " +
                                std::to_string(inputs.size()) + " inputs");
  }
  // Sizes of the letters and of the broadcast dims.
  std::array<int64_t, kLetters> letter_dim;
  letter_dim.fill(-1);
  std::array<int, kLetters> uses{};
  std::vector<int64_t> ell_rank(inputs.size(), 0);
  size_t max_ell = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const size_t letters = static_cast<size_t>(std::count_if(terms[i].begin(), terms[i].end(), [](int l) { return l >= 0; }));
    const bool has_ell = letters != terms[i].size();
    if (inputs[i].size() < letters || (!has_ell && inputs[i].size() != letters)) {
      return node_error(node, "term " + std::to_string(i) + " does not match input shape " + shape_to_string(inputs[i]));
    }
    ell_rank[i] = static_cast<int64_t>(inputs[i].size() - letters);
    max_ell = std::max(max_ell, static_cast<size_t>(ell_rank[i]));
  }
  std::vector<int64_t> ell_dims(max_ell, 1);
  // Each operand's labels expanded to one label per dim.
  std::vector<std::vector<int>> dim_labels(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    for (int l : terms[i]) {
      if (l != kEllipsis) {
        dim_labels[i].push_back(l);
        continue;
      }
      for (int64_t e = 0; e < ell_rank[i]; ++e) {
        dim_labels[i].push_back(kLetters + static_cast<int>(static_cast<int64_t>(max_ell) - ell_rank[i] + e));
      }
    }
    for (size_t d = 0; d < dim_labels[i].size(); ++d) {
      const int l = dim_labels[i][d];
      const int64_t size = inputs[i][d];
      if (l >= kLetters) {
        int64_t& b = ell_dims[static_cast<size_t>(l - kLetters)];
        if (b != 1 && size != 1 && b != size) return node_error(node, "broadcast dims of \"...\" do not match");
        if (size != 1) b = size;
        continue;
      }
      if (letter_dim[static_cast<size_t>(l)] >= 0 && letter_dim[static_cast<size_t>(l)] != size) {
        return node_error(node, "label sizes disagree for input " + std::to_string(i) + " " + shape_to_string(inputs[i]));
      }
      letter_dim[static_cast<size_t>(l)] = size;
    }
    for (int l : terms[i]) {
      if (l >= 0) ++uses[static_cast<size_t>(l)];
    }
  }
  // Output labels.
  std::vector<int> out_labels;
  auto push_ellipsis = [&]() {
    for (size_t e = 0; e < max_ell; ++e) out_labels.push_back(kLetters + static_cast<int>(e));
  };
  if (arrow == std::string::npos) {
    push_ellipsis();
    std::vector<int> once;
    for (int l = 0; l < kLetters; ++l) {
      if (uses[static_cast<size_t>(l)] == 1) once.push_back(l);
    }
    std::sort(once.begin(), once.end(), [](int a, int b) { return ascii_rank(a) < ascii_rank(b); });
    out_labels.insert(out_labels.end(), once.begin(), once.end());
  } else {
    ASSIGN_OR_RETURN(std::vector<int> rhs, parse_term(node, eq.substr(arrow + 2)));
    for (int l : rhs) {
      if (l == kEllipsis) {
        push_ellipsis();
        continue;
      }
      if (uses[static_cast<size_t>(l)] == 0) return node_error(node, "output label not in any input");
      if (std::find(out_labels.begin(), out_labels.end(), l) != out_labels.end()) {
        return node_error(node, "output label repeats");
      }
      out_labels.push_back(l);
    }
  }
  // Summed labels: every used label not in the output.
  std::vector<int> sum_labels;
  for (int l = 0; l < kLetters + static_cast<int>(max_ell); ++l) {
    const bool used = l < kLetters ? uses[static_cast<size_t>(l)] > 0 : true;
    if (used && std::find(out_labels.begin(), out_labels.end(), l) == out_labels.end()) sum_labels.push_back(l);
  }
  auto label_size = [&](int l) {
    return l < kLetters ? letter_dim[static_cast<size_t>(l)] : ell_dims[static_cast<size_t>(l - kLetters)];
  };
  EinsumPlan plan;
  for (int l : out_labels) plan.out.push_back(label_size(l));
  for (int l : sum_labels) plan.sum_dims.push_back(label_size(l));
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::vector<int64_t> label_stride(static_cast<size_t>(kLetters) + max_ell, 0);
    int64_t stride = 1;
    for (size_t d = inputs[i].size(); d-- > 0;) {
      const int l = dim_labels[i][d];
      // A broadcast dim of size 1 repeats its one element (stride 0).
      if (inputs[i][d] != 1 || label_size(l) == 1) label_stride[static_cast<size_t>(l)] += stride;
      stride *= inputs[i][d];
    }
    std::vector<int64_t> strides;
    for (int l : out_labels) strides.push_back(label_stride[static_cast<size_t>(l)]);
    for (int l : sum_labels) strides.push_back(label_stride[static_cast<size_t>(l)]);
    plan.strides.push_back(std::move(strides));
  }
  return plan;
}

}  // namespace edgerun::ops
