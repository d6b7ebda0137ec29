#include "operators/early_exit/block_scope.h"

#include <algorithm>
#include <cctype>

namespace edgerun::early_exit {

namespace {

struct Token {
  std::string text;
  size_t end = 0;  // one past its last character in the name
};

std::vector<Token> tokenize(const std::string& name) {
  std::vector<Token> tokens;
  size_t start = 0;
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i < name.size() && name[i] != '.' && name[i] != '/') continue;
    if (i > start) tokens.push_back({name.substr(start, i - start), i});
    start = i + 1;
  }
  return tokens;
}

// A small non-negative number ("0".."999999"), so no name overflows an int.
std::optional<int> number(const std::string& s) {
  if (s.empty() || s.size() > 6) return std::nullopt;
  if (!std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
    return std::nullopt;
  }
  return std::stoi(s);
}

}  // namespace

std::string BlockScope::block_name() const {
  if (family == ModelFamily::kTransformer) return "layer." + std::to_string(index);
  return "layer" + std::to_string(stage) + "." + std::to_string(index);
}

std::optional<BlockScope> block_scope_of(const std::string& node_name) {
  const std::vector<Token> tokens = tokenize(node_name);
  // i + 2 < size: a token must follow the block number (the node inside the block).
  for (size_t i = 0; i + 2 < tokens.size(); ++i) {
    const std::string& t = tokens[i].text;
    const std::optional<int> index = number(tokens[i + 1].text);
    if (!index) continue;
    const std::string prefix = node_name.substr(0, tokens[i + 1].end);
    if (t == "layer" || t == "layers") return BlockScope{ModelFamily::kTransformer, 0, *index, prefix};
    if (t.compare(0, 5, "layer") == 0) {
      const std::optional<int> stage = number(t.substr(5));
      if (stage && *stage >= 1) return BlockScope{ModelFamily::kResNet, *stage, *index, prefix};
    }
  }
  return std::nullopt;
}

std::vector<bool> constant_values(const Graph& graph) {
  std::vector<bool> constant(graph.values.size(), false);
  for (size_t v = 0; v < graph.values.size(); ++v) constant[v] = graph.values[v].constant.has_value();
  for (const Node& n : graph.nodes) {
    const bool from_constants = std::all_of(n.inputs.begin(), n.inputs.end(), [&](ValueId in) {
      return in == kNoValue || constant[static_cast<size_t>(in)];
    });
    if (!from_constants) continue;
    for (ValueId out : n.outputs) {
      if (out != kNoValue) constant[static_cast<size_t>(out)] = true;
    }
  }
  return constant;
}

}  // namespace edgerun::early_exit
