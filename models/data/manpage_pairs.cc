#include "models/data/manpage_pairs.h"

#include "models/data/file_bytes.h"

namespace edgerun::data {

namespace {
constexpr size_t kMaxPairFileBytes = size_t{512} << 20;
}  // namespace

Result<std::vector<TextPair>> parse_manpage_pairs(std::string_view text, const std::string& what) {
  std::vector<TextPair> pairs;
  size_t start = 0;
  int64_t line = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view row = text.substr(start, end - start);
    start = end + 1;
    ++line;
    const std::string where = what + " line " + std::to_string(line);
    const size_t tab1 = row.find('\t');
    const size_t tab2 = tab1 == std::string_view::npos ? tab1 : row.find('\t', tab1 + 1);
    if (tab2 == std::string_view::npos || row.find('\t', tab2 + 1) != std::string_view::npos) {
      return invalid_argument(where + ": expected label<TAB>summary<TAB>description");
    }
    const std::string_view label = row.substr(0, tab1);
    if (label != "0" && label != "1")
      return invalid_argument(where + ": label must be 0 or 1, got '" + std::string(label) + "'");
    TextPair pair;
    pair.label = label == "1" ? 1 : 0;
    pair.summary = std::string(row.substr(tab1 + 1, tab2 - tab1 - 1));
    pair.description = std::string(row.substr(tab2 + 1));
    pairs.push_back(std::move(pair));
  }
  if (pairs.empty()) return invalid_argument(what + ": no pairs");
  return pairs;
}

Result<std::vector<TextPair>> load_manpage_pairs(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, read_file_text(path, kMaxPairFileBytes));
  return parse_manpage_pairs(text, "'" + path + "'");
}

}  // namespace edgerun::data
