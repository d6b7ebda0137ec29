#include "models/data/gzip_file.h"

#include <zlib.h>

#include <algorithm>

#include "models/data/file_bytes.h"

namespace edgerun::data {

namespace {

// zlib's stream, ended on every path out.
class Inflater {
 public:
  Inflater() = default;
  ~Inflater() {
    if (ready_) inflateEnd(&stream_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  // windowBits 16 + MAX_WBITS: gzip wrapper only (header and CRC-32 checked by zlib).
  bool init() { return ready_ = inflateInit2(&stream_, 16 + MAX_WBITS) == Z_OK; }
  z_stream& stream() { return stream_; }

 private:
  z_stream stream_{};
  bool ready_ = false;
};

}  // namespace

Result<std::vector<uint8_t>> gunzip(const uint8_t* data, size_t size, size_t max_bytes, const std::string& what) {
  if (size < 2 || data[0] != 0x1f || data[1] != 0x8b) return invalid_argument(what + ": not a gzip file");
  Inflater inflater;
  if (!inflater.init()) return internal_error(what + ": zlib initialisation failed");
  z_stream& zs = inflater.stream();
  std::vector<uint8_t> out;
  size_t consumed = 0;
  uint8_t chunk[1 << 16];
  while (true) {
    // zlib counts in uInt: feed at most 1 GiB at a time.
    const size_t feed = std::min<size_t>(size - consumed, size_t{1} << 30);
    zs.next_in = const_cast<Bytef*>(data + consumed);
    zs.avail_in = static_cast<uInt>(feed);
    zs.next_out = chunk;
    zs.avail_out = sizeof(chunk);
    const int rc = inflate(&zs, Z_NO_FLUSH);
    consumed += feed - zs.avail_in;
    const size_t produced = sizeof(chunk) - zs.avail_out;
    if (out.size() + produced > max_bytes) {
      return out_of_range(what + ": decompresses to more than " + std::to_string(max_bytes) + " bytes");
    }
    out.insert(out.end(), chunk, chunk + produced);
    if (rc == Z_STREAM_END) {
      if (consumed == size) return out;
      if (inflateReset(&zs) != Z_OK) return internal_error(what + ": zlib reset failed");
      continue;  // another gzip member follows
    }
    if (rc == Z_BUF_ERROR && consumed == size) return invalid_argument(what + ": truncated gzip data");
    if (rc != Z_OK) {
      return invalid_argument(what + ": corrupt gzip data (" + std::string(zs.msg ? zs.msg : "zlib error") + ")");
    }
  }
}

Result<std::vector<uint8_t>> read_gzip_file(const std::string& path, size_t max_bytes) {
  // Incompressible data grows a little (5 bytes per 64 KiB stored block, plus headers).
  const size_t max_compressed = max_bytes + max_bytes / 1024 + 4096;
  ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, read_file_bytes(path, max_compressed));
  return gunzip(bytes.data(), bytes.size(), max_bytes, "'" + path + "'");
}

}  // namespace edgerun::data
