#include "models/data/tokenizer.h"

#include "models/data/file_bytes.h"

namespace edgerun::data {

namespace {

constexpr size_t kMaxVocabBytes = size_t{64} << 20;
constexpr const char* kSpecial[] = {"[PAD]", "[UNK]", "[CLS]", "[SEP]"};

bool is_word_char(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

std::vector<std::string> tokenize(std::string_view text) {
  std::vector<std::string> tokens;
  std::string word;
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
    if (is_word_char(c)) {
      word.push_back(static_cast<char>(c));
      continue;
    }
    if (!word.empty()) tokens.push_back(std::move(word));
    word.clear();
    if (c >= 0x21 && c <= 0x7e) tokens.emplace_back(1, static_cast<char>(c));  // else whitespace
  }
  if (!word.empty()) tokens.push_back(std::move(word));
  return tokens;
}

Result<Vocab> Vocab::parse(std::string_view text, const std::string& what) {
  Vocab vocab;
  int64_t line = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string token(text.substr(start, end - start));
    start = end + 1;
    const std::string where = what + " line " + std::to_string(line + 1);
    if (token.empty()) return invalid_argument(where + ": empty token");
    for (char ch : token) {
      const auto c = static_cast<unsigned char>(ch);
      if (c <= 0x20 || c >= 0x7f) return invalid_argument(where + ": token contains whitespace or a non-ASCII byte");
    }
    if (line < 4 && token != kSpecial[line]) {
      return invalid_argument(where + ": expected " + kSpecial[line] + ", got '" + token + "'");
    }
    if (!vocab.ids_.emplace(token, line).second) return invalid_argument(where + ": duplicate token '" + token + "'");
    ++line;
  }
  if (line < 4) return invalid_argument(what + ": fewer than the 4 special tokens [PAD] [UNK] [CLS] [SEP]");
  return vocab;
}

Result<Vocab> Vocab::load(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, read_file_text(path, kMaxVocabBytes));
  return parse(text, "vocabulary '" + path + "'");
}

int64_t Vocab::id(const std::string& token) const {
  auto it = ids_.find(token);
  return it == ids_.end() ? kUnkId : it->second;
}

Result<PairEncoding> encode_pair(const Vocab& vocab, std::string_view a, std::string_view b, int64_t length) {
  if (length < 3) return invalid_argument("pair length must be at least 3, got " + std::to_string(length));
  std::vector<std::string> ta = tokenize(a);
  std::vector<std::string> tb = tokenize(b);
  const size_t room = static_cast<size_t>(length) - 3;
  while (ta.size() + tb.size() > room) {
    if (ta.size() > tb.size()) {
      ta.pop_back();
    } else {
      tb.pop_back();
    }
  }
  PairEncoding e;
  const auto n = static_cast<size_t>(length);
  e.input_ids.assign(n, kPadId);
  e.token_type_ids.assign(n, 0);
  e.attention_mask.assign(n, 0);
  size_t i = 0;
  auto put = [&](int64_t id, int64_t type) {
    e.input_ids[i] = id;
    e.token_type_ids[i] = type;
    e.attention_mask[i] = 1;
    ++i;
  };
  put(kClsId, 0);
  for (const std::string& t : ta) put(vocab.id(t), 0);
  put(kSepId, 0);
  for (const std::string& t : tb) put(vocab.id(t), 1);
  put(kSepId, 1);
  return e;
}

}  // namespace edgerun::data
