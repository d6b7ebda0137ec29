// Reads a whole file into memory, refusing files larger than a limit (inputs we do not trust).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "graph/status.h"

namespace edgerun::data {

Result<std::vector<uint8_t>> read_file_bytes(const std::string& path, size_t max_bytes);
Result<std::string> read_file_text(const std::string& path, size_t max_bytes);

}  // namespace edgerun::data
