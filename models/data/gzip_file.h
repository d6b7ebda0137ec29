// Reads a whole gzip file into memory with zlib (tools only: the core library stays dependency-free).
// The file must be gzip (magic 1f 8b); concatenated members are joined; corrupt, truncated or
// larger-than-allowed contents give an error naming the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "graph/status.h"

namespace edgerun::data {

Result<std::vector<uint8_t>> read_gzip_file(const std::string& path, size_t max_bytes);

// The same for gzip bytes already in memory; `what` names them in errors.
Result<std::vector<uint8_t>> gunzip(const uint8_t* data, size_t size, size_t max_bytes, const std::string& what);

}  // namespace edgerun::data
