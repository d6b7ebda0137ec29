// IDX files (the MNIST format): 2 zero bytes, a type byte, a rank byte, one big-endian uint32 per dim,
// then the elements in C order. Only unsigned bytes (type 0x08) are read: what Fashion-MNIST uses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "graph/status.h"

namespace edgerun::data {

struct IdxArray {
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;
};

// Parses IDX bytes whose rank must be `rank`; the size must be exactly header + elements.
// `what` names the data in errors.
Result<IdxArray> parse_idx_u8(const uint8_t* bytes, size_t size, int rank, const std::string& what);

}  // namespace edgerun::data
