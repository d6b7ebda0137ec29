// The manpage-pairs split files (models/data/manpage_pairs/*.tsv): one pair per line,
// "label<TAB>summary<TAB>description", label 1 when the summary belongs with the description, else 0.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "graph/status.h"

namespace edgerun::data {

struct TextPair {
  int64_t label = 0;
  std::string summary;
  std::string description;
};

// Validates every line: exactly three fields, label 0 or 1. A final newline is optional; empty lines
// and an empty file are errors.
Result<std::vector<TextPair>> load_manpage_pairs(const std::string& path);
Result<std::vector<TextPair>> parse_manpage_pairs(std::string_view text, const std::string& what);

}  // namespace edgerun::data
