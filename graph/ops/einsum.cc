// Einsum: equation parsing and shape inference.
#include "graph/ops/einsum.h"

#include <algorithm>

#include "graph/ops/nn_common.h"
#include "graph/ops/op_schema.h"

namespace edgerun::ops {

namespace {

constexpr int kLetters = 52;  // label ids 0..51 are letters, the ellipsis dims follow

int letter_id(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';  // ASCII order: uppercase first, as numpy sorts them
  if (c >= 'a' && c <= 'z') return 26 + (c - 'a');
  return -1;
}

// One term of the equation: its letter ids in order, with -1 where the ellipsis stands.
struct Term {
  std::vector<int> items;
  bool has_ellipsis = false;
  size_t num_letters() const { return items.size() - (has_ellipsis ? 1 : 0); }
};

Result<Term> parse_term(const std::string& text) {
  Term term;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '.') {
      if (text.compare(i, 3, "...") != 0) return invalid_model("'.' outside an ellipsis in term '" + text + "'");
      if (term.has_ellipsis) return invalid_model("two ellipses in term '" + text + "'");
      term.has_ellipsis = true;
      term.items.push_back(-1);
      i += 2;
      continue;
    }
    const int id = letter_id(text[i]);
    if (id < 0) return invalid_model(std::string("invalid character '") + text[i] + "' in the equation");
    term.items.push_back(id);
  }
  return term;
}

std::vector<std::string> split_terms(const std::string& text) {
  std::vector<std::string> terms(1);
  for (char c : text) {
    if (c == ',') {
      terms.emplace_back();
    } else {
      terms.back() += c;
    }
  }
  return terms;
}

}  // namespace

Result<EinsumSpec> parse_einsum(const std::string& equation, const std::vector<Shape>& shapes) {
  std::string eq;
  for (char c : equation) {
    if (c != ' ' && c != '\t') eq += c;
  }
  const size_t arrow = eq.find("->");
  const bool explicit_output = arrow != std::string::npos;
  const std::vector<std::string> texts = split_terms(eq.substr(0, arrow));
  if (texts.size() != shapes.size()) {
    return invalid_model("equation '" + equation + "' has " + std::to_string(texts.size()) + " input terms for " +
                         std::to_string(shapes.size()) + " inputs");
  }
  std::vector<Term> terms;
  int64_t ellipsis_rank = 0;
  for (size_t k = 0; k < texts.size(); ++k) {
    ASSIGN_OR_RETURN(Term term, parse_term(texts[k]));
    const int64_t rank = static_cast<int64_t>(shapes[k].size());
    const int64_t letters = static_cast<int64_t>(term.num_letters());
    if (term.has_ellipsis ? letters > rank : letters != rank) {
      return invalid_model("term '" + texts[k] + "' does not fit input " + std::to_string(k) + " of shape " +
                           shape_to_string(shapes[k]));
    }
    if (term.has_ellipsis) ellipsis_rank = std::max(ellipsis_rank, rank - letters);
    terms.push_back(std::move(term));
  }

  EinsumSpec spec;
  spec.label_sizes.assign(static_cast<size_t>(kLetters + ellipsis_rank), -1);
  std::vector<int> uses(spec.label_sizes.size(), 0);
  for (size_t k = 0; k < terms.size(); ++k) {
    const Shape& shape = shapes[k];
    const int64_t term_ellipsis = static_cast<int64_t>(shape.size() - terms[k].num_letters());
    std::vector<int>& labels = spec.operand_labels.emplace_back();
    for (int item : terms[k].items) {
      if (item >= 0) {
        labels.push_back(item);
        continue;
      }
      for (int64_t e = 0; e < term_ellipsis; ++e) labels.push_back(static_cast<int>(kLetters + ellipsis_rank - term_ellipsis + e));
    }
    std::vector<int64_t> own(spec.label_sizes.size(), -1);  // sizes within this operand: diagonals
    for (size_t d = 0; d < labels.size(); ++d) {
      const size_t l = static_cast<size_t>(labels[d]);
      const int64_t n = shape[d];
      ++uses[l];
      if (own[l] >= 0 && own[l] != n) {
        return invalid_model("input " + std::to_string(k) + " of shape " + shape_to_string(shape) +
                             " repeats a label over dims of different sizes");
      }
      own[l] = n;
      int64_t& size = spec.label_sizes[l];
      if (size < 0 || size == 1) {
        size = n;
      } else if (n != size && n != 1) {
        return invalid_model("input " + std::to_string(k) + " of shape " + shape_to_string(shape) + " has size " +
                             std::to_string(n) + " where another input has " + std::to_string(size));
      }
    }
  }

  if (explicit_output) {
    ASSIGN_OR_RETURN(Term out, parse_term(eq.substr(arrow + 2)));
    if (ellipsis_rank > 0 && !out.has_ellipsis) {
      return invalid_model("the output of '" + equation + "' drops the ellipsis dims");
    }
    std::vector<bool> seen(spec.label_sizes.size(), false);
    for (int item : out.items) {
      if (item < 0) {
        for (int64_t e = 0; e < ellipsis_rank; ++e) spec.output_labels.push_back(static_cast<int>(kLetters + e));
        continue;
      }
      if (uses[static_cast<size_t>(item)] == 0) return invalid_model("output label of '" + equation + "' not in any input");
      if (seen[static_cast<size_t>(item)]) return invalid_model("output label repeated in '" + equation + "'");
      seen[static_cast<size_t>(item)] = true;
      spec.output_labels.push_back(item);
    }
  } else {
    for (int64_t e = 0; e < ellipsis_rank; ++e) spec.output_labels.push_back(static_cast<int>(kLetters + e));
    for (int l = 0; l < kLetters; ++l) {
      if (uses[static_cast<size_t>(l)] == 1) spec.output_labels.push_back(l);
    }
  }
  return spec;
}

Shape einsum_output_shape(const EinsumSpec& spec) {
  Shape out;
  for (int l : spec.output_labels) out.push_back(spec.label_sizes[static_cast<size_t>(l)]);
  return out;
}

Status infer_Einsum(InferContext& ctx) {
  if (ctx.num_inputs() == 0) return ctx.error("needs at least one input");
  std::vector<Shape> shapes;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    if (!ctx.has_input(i)) return ctx.error("input " + std::to_string(i) + " is missing");
    RETURN_IF_ERROR(expect_same_type(ctx, 0, i));
    shapes.push_back(ctx.shape(i));
  }
  const DType t = ctx.type(0);
  if (!(t == DType::kF32 || t == DType::kF64 || dtype_is_integer(t))) {
    return unsupported(ctx.node().describe() + ": Einsum of type " + dtype_name(t));
  }
  if (!ctx.attrs().has("equation")) return ctx.error("missing attribute 'equation'");
  auto spec = parse_einsum(ctx.attrs().get_string("equation", ""), shapes);
  if (!spec.ok()) return ctx.error(spec.status().message());
  ctx.set_output(0, t, einsum_output_shape(spec.value()));
  return Status::Ok();
}

}  // namespace edgerun::ops
