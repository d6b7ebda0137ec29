// The text tokenizer shared with models/train (Python and C++ must agree exactly):
// - bytes >= 0x80 and ASCII control characters are whitespace; ASCII letters are lowercased;
// - tokens are maximal runs of [a-z0-9], and every other printable ASCII character (0x21-0x7E) alone;
// - vocab.txt: one token per line, id = 0-based line number, lines 0-3 are [PAD] [UNK] [CLS] [SEP];
//   unknown tokens map to [UNK] (no word pieces);
// - pairs: [CLS] a [SEP] b [SEP] then [PAD] to length L, the longer side (b on a tie) losing its last
//   token until it fits; type ids 0 for [CLS] a [SEP], 1 for b [SEP], 0 for padding.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "graph/status.h"

namespace edgerun::data {

constexpr int64_t kPadId = 0;
constexpr int64_t kUnkId = 1;
constexpr int64_t kClsId = 2;
constexpr int64_t kSepId = 3;

std::vector<std::string> tokenize(std::string_view text);

class Vocab {
 public:
  // Reads vocab.txt; validates the four special tokens first, no empty, duplicate or whitespace lines.
  static Result<Vocab> load(const std::string& path);
  // The same from the file's text; `what` names it in errors.
  static Result<Vocab> parse(std::string_view text, const std::string& what);

  int64_t id(const std::string& token) const;  // kUnkId when absent
  int64_t size() const { return static_cast<int64_t>(ids_.size()); }

 private:
  std::unordered_map<std::string, int64_t> ids_;
};

struct PairEncoding {
  std::vector<int64_t> input_ids;       // [L]
  std::vector<int64_t> token_type_ids;  // [L]
  std::vector<int64_t> attention_mask;  // [L]
};

// Encodes (a, b) with length L >= 3.
Result<PairEncoding> encode_pair(const Vocab& vocab, std::string_view a, std::string_view b, int64_t length);

}  // namespace edgerun::data
