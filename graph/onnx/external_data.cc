#include "graph/onnx/external_data.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>

namespace edgerun::onnx {

namespace fs = std::filesystem;

namespace {

using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

Result<File> open_file(const std::string& path) {
  File f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return io_error("cannot open '" + path + "': " + std::strerror(errno));
  return f;
}

Result<uint64_t> file_size(std::FILE* f, const std::string& path) {
  if (std::fseek(f, 0, SEEK_END) != 0) return io_error("cannot seek in '" + path + "'");
  const long size = std::ftell(f);
  if (size < 0) return io_error("cannot tell the size of '" + path + "'");
  return static_cast<uint64_t>(size);
}

Status read_at(std::FILE* f, uint64_t offset, uint64_t length, void* dst, const std::string& path) {
  if (length == 0) return Status::Ok();
  if (offset > static_cast<uint64_t>(std::numeric_limits<long>::max()) ||
      std::fseek(f, static_cast<long>(offset), SEEK_SET) != 0) {
    return io_error("cannot seek to byte " + std::to_string(offset) + " of '" + path + "'");
  }
  if (std::fread(dst, 1, length, f) != length) {
    return io_error("cannot read " + std::to_string(length) + " bytes from '" + path + "'");
  }
  return Status::Ok();
}

// Strict decimal: digits only, no sign, no overflow.
std::optional<uint64_t> parse_decimal(const std::string& s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

// True when `inner` is `outer` or below it (both canonical).
bool is_within(const fs::path& outer, const fs::path& inner) {
  auto o = outer.begin();
  auto i = inner.begin();
  for (; o != outer.end(); ++o, ++i) {
    if (i == inner.end() || *o != *i) return false;
  }
  return true;
}

}  // namespace

Result<std::vector<uint8_t>> read_whole_file(const std::string& path) {
  ASSIGN_OR_RETURN(File f, open_file(path));
  ASSIGN_OR_RETURN(uint64_t size, file_size(f.get(), path));
  if (size > kMaxProtoFileBytes) {
    return out_of_range("'" + path + "' is " + std::to_string(size) + " bytes, over the 2 GiB protobuf limit");
  }
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  RETURN_IF_ERROR(read_at(f.get(), 0, size, bytes.data(), path));
  return bytes;
}

std::string parent_folder(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

Result<ExternalRange> resolve_external_data(const std::string& folder, const std::string& location,
                                            const std::optional<std::string>& offset,
                                            const std::optional<std::string>& length) {
  const std::string what = "external data '" + location + "'";
  if (folder.empty()) return invalid_argument(what + ": the model's folder is not known (model read from bytes)");
  if (location.empty()) return invalid_model("external data has no location");
  if (location.find('\0') != std::string::npos) return invalid_model(what + ": location holds a NUL byte");
  const fs::path rel(location);
  if (rel.is_absolute() || rel.has_root_name() || rel.has_root_directory()) {
    return invalid_model(what + ": absolute locations are not allowed");
  }
  for (const fs::path& part : rel) {
    if (part == "..") return invalid_model(what + ": location leaves the model folder ('..')");
  }
  // Links could still lead outside: compare the resolved paths.
  std::error_code ec;
  const fs::path root = fs::canonical(folder, ec);
  if (ec) return io_error(what + ": cannot resolve the model folder '" + folder + "': " + ec.message());
  const fs::path file = fs::canonical(root / rel, ec);
  if (ec) return io_error(what + ": cannot open '" + (root / rel).string() + "': " + ec.message());
  if (!is_within(root, file)) return invalid_model(what + ": resolves outside the model folder");
  if (!fs::is_regular_file(file, ec)) return invalid_model(what + ": not a regular file");

  ExternalRange range;
  range.path = file.string();
  ASSIGN_OR_RETURN(File f, open_file(range.path));
  ASSIGN_OR_RETURN(uint64_t size, file_size(f.get(), range.path));
  if (offset) {
    const auto v = parse_decimal(*offset);
    if (!v) return invalid_model(what + ": bad offset '" + *offset + "'");
    range.offset = *v;
  }
  if (range.offset > size) {
    return invalid_model(what + ": offset " + std::to_string(range.offset) + " is past the end of the " +
                         std::to_string(size) + "-byte file");
  }
  range.length = size - range.offset;
  if (length) {
    const auto v = parse_decimal(*length);
    if (!v) return invalid_model(what + ": bad length '" + *length + "'");
    if (*v > size - range.offset) {
      return invalid_model(what + ": " + std::to_string(*v) + " bytes at offset " + std::to_string(range.offset) +
                           " run past the end of the " + std::to_string(size) + "-byte file");
    }
    range.length = *v;
  }
  return range;
}

Status read_external_range(const ExternalRange& range, void* dst) {
  ASSIGN_OR_RETURN(File f, open_file(range.path));
  return read_at(f.get(), range.offset, range.length, dst, range.path);
}

}  // namespace edgerun::onnx
