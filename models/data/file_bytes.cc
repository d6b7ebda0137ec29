#include "models/data/file_bytes.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace edgerun::data {

Result<std::string> read_file_text(const std::string& path, size_t max_bytes) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return not_found("'" + path + "' does not exist or is not a file");
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return io_error("cannot read '" + path + "': " + ec.message());
  if (size > max_bytes) {
    return out_of_range("'" + path + "' is " + std::to_string(size) + " bytes, more than the " +
                        std::to_string(max_bytes) + " allowed");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot open '" + path + "'");
  std::string text(static_cast<size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  if (static_cast<size_t>(in.gcount()) != size) return io_error("cannot read '" + path + "' to its end");
  return text;
}

Result<std::vector<uint8_t>> read_file_bytes(const std::string& path, size_t max_bytes) {
  ASSIGN_OR_RETURN(std::string text, read_file_text(path, max_bytes));
  return std::vector<uint8_t>(text.begin(), text.end());
}

}  // namespace edgerun::data
