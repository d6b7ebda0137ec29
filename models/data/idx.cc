#include "models/data/idx.h"

namespace edgerun::data {

Result<IdxArray> parse_idx_u8(const uint8_t* bytes, size_t size, int rank, const std::string& what) {
  if (size < 4) return invalid_argument(what + ": too short for an IDX header");
  if (bytes[0] != 0 || bytes[1] != 0) return invalid_argument(what + ": bad IDX magic (first two bytes must be 0)");
  if (bytes[2] != 0x08) {
    return unsupported(what + ": IDX element type " + std::to_string(bytes[2]) +
                       ", only unsigned bytes (type 8) are read");
  }
  if (bytes[3] != rank) {
    return invalid_argument(what + ": IDX rank " + std::to_string(bytes[3]) + ", expected " + std::to_string(rank));
  }
  const size_t header = 4 + 4 * static_cast<size_t>(rank);
  if (size < header) return invalid_argument(what + ": truncated IDX header");
  IdxArray out;
  // Each dim < 2^32 and the product is checked against the file size before it can overflow.
  size_t elements = 1;
  const size_t available = size - header;
  for (int d = 0; d < rank; ++d) {
    const uint8_t* p = bytes + 4 + 4 * d;
    const uint64_t dim = (uint64_t{p[0]} << 24) | (uint64_t{p[1]} << 16) | (uint64_t{p[2]} << 8) | p[3];
    out.dims.push_back(static_cast<int64_t>(dim));
    if (dim != 0 && elements > available / dim) {
      return invalid_argument(what + ": IDX dims need more bytes than the " + std::to_string(available) + " present");
    }
    elements *= dim;
  }
  if (elements != available) {
    return invalid_argument(what + ": IDX dims give " + std::to_string(elements) + " elements but " +
                            std::to_string(available) + " bytes follow the header");
  }
  out.data.assign(bytes + header, bytes + size);
  return out;
}

}  // namespace edgerun::data
