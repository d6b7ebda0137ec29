#include "tools/common/npy.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string_view>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, ".npy I/O assumes a little-endian host");

namespace edgerun {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
constexpr size_t kAlign = 64;            // numpy pads the header so data starts 64-byte aligned
constexpr size_t kMaxHeaderLen = 1 << 20;  // real headers are < 1 KiB; refuse absurd ones
constexpr size_t kGrowthAxisMaxDigits = 21;  // numpy leaves this much room to grow shape[0]

struct Descr {
  char kind;
  size_t size;
  DType dtype;
};
constexpr Descr kDescrs[] = {
    {'f', 2, DType::kF16}, {'f', 4, DType::kF32}, {'f', 8, DType::kF64}, {'i', 1, DType::kI8},
    {'u', 1, DType::kU8},  {'i', 2, DType::kI16}, {'u', 2, DType::kU16}, {'i', 4, DType::kI32},
    {'u', 4, DType::kU32}, {'i', 8, DType::kI64}, {'u', 8, DType::kU64}, {'b', 1, DType::kBool},
};

struct Header {
  DType dtype = DType::kUndefined;
  Shape shape;
  size_t data_offset = 0;  // bytes before the data: prefix + header
  size_t data_bytes = 0;
};

uint32_t read_le(const unsigned char* p, size_t bytes) {
  uint32_t v = 0;
  for (size_t i = 0; i < bytes; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
  return v;
}

// Size of magic + version + length field for a format version, 0 if the version is unknown.
size_t prefix_len(unsigned major) { return major == 1 ? 10 : (major == 2 || major == 3) ? 12 : 0; }

// From the first bytes of a file: the offset where the data starts (end of the header).
Result<size_t> data_offset(const unsigned char* p, size_t n) {
  if (n < kMagicLen + 2 || std::memcmp(p, kMagic, kMagicLen) != 0) {
    return invalid_argument(n < kMagicLen + 2 ? "truncated .npy prefix" : "not a .npy file (bad magic)");
  }
  const unsigned major = p[6], minor = p[7];
  const size_t prefix = prefix_len(major);
  if (prefix == 0 || minor != 0) {
    return unsupported(".npy format version " + std::to_string(major) + "." + std::to_string(minor));
  }
  if (n < prefix) return invalid_argument("truncated .npy prefix");
  const size_t header_len = read_le(p + 8, prefix - 8);
  if (header_len > kMaxHeaderLen) return invalid_argument(".npy header of " + std::to_string(header_len) + " bytes");
  return prefix + header_len;
}

// A cursor over the header, a Python dict literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
class HeaderReader {
 public:
  explicit HeaderReader(std::string_view s) : s_(s) {}

  Status parse(Header& h) {
    bool has_descr = false, has_order = false, has_shape = false;
    bool fortran = false;
    std::string descr;
    skip_ws();
    if (!eat('{')) return error("expected '{'");
    while (true) {
      skip_ws();
      if (eat('}')) break;
      std::string key;
      RETURN_IF_ERROR(quoted(key));
      skip_ws();
      if (!eat(':')) return error("expected ':' after '" + key + "'");
      skip_ws();
      if (key == "descr") {
        if (peek() != '\'' && peek() != '"') return unsupported(".npy structured dtype (descr is not a string)");
        RETURN_IF_ERROR(quoted(descr));
        has_descr = true;
      } else if (key == "fortran_order") {
        RETURN_IF_ERROR(boolean(fortran));
        has_order = true;
      } else if (key == "shape") {
        RETURN_IF_ERROR(shape(h.shape));
        has_shape = true;
      } else {
        return error("unknown key '" + key + "'");
      }
      skip_ws();
      if (eat('}')) break;
      if (!eat(',')) return error("expected ',' or '}'");
    }
    skip_ws();
    if (i_ != s_.size()) return error("unexpected text after the dict");
    if (!has_descr || !has_order || !has_shape) return error("missing 'descr', 'fortran_order' or 'shape'");
    if (fortran) return unsupported(".npy array in Fortran order (save a C-ordered array)");
    return dtype(descr, h.dtype);
  }

 private:
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  bool eat(char c) {
    if (peek() != c || i_ >= s_.size()) return false;
    ++i_;
    return true;
  }
  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  Status error(const std::string& what) const {
    return invalid_argument("malformed .npy header at byte " + std::to_string(i_) + ": " + what);
  }

  Status quoted(std::string& out) {
    const char q = peek();
    if (q != '\'' && q != '"') return error("expected a quoted string");
    ++i_;
    const size_t end = s_.find(q, i_);
    if (end == std::string_view::npos) return error("unterminated string");
    out = std::string(s_.substr(i_, end - i_));
    i_ = end + 1;
    return Status::Ok();
  }

  Status boolean(bool& out) {
    for (const char* word : {"True", "False"}) {
      const size_t len = std::strlen(word);
      if (s_.substr(i_, len) == word) {
        out = word[0] == 'T';
        i_ += len;
        return Status::Ok();
      }
    }
    return error("expected True or False");
  }

  Status shape(Shape& out) {
    if (!eat('(')) return error("expected '(' for the shape");
    out.clear();
    while (true) {
      skip_ws();
      if (eat(')')) break;
      if (peek() < '0' || peek() > '9') return error("expected a non-negative dimension");
      int64_t d = 0;
      while (peek() >= '0' && peek() <= '9') {
        d = d * 10 + (s_[i_++] - '0');
        if (d > kMaxElements) return error("dimension too large");
      }
      out.push_back(d);
      skip_ws();
      if (eat(')')) break;
      if (!eat(',')) return error("expected ',' or ')' in the shape");
    }
    // (3) is the int 3, not a tuple: numpy always writes one-element tuples as (3,).
    return Status::Ok();
  }

  static Status dtype(const std::string& descr, DType& out) {
    if (descr.size() < 3 || descr[2] < '1' || descr[2] > '9' || descr.size() > 3) {
      return unsupported(".npy dtype '" + descr + "'");
    }
    const char order = descr[0], kind = descr[1];
    const size_t size = static_cast<size_t>(descr[2] - '0');
    if (order == '>' && size > 1) return unsupported(".npy big-endian dtype '" + descr + "'");
    if (order != '<' && order != '|' && order != '=' && order != '>') {
      return invalid_argument(".npy dtype '" + descr + "' has no byte order");
    }
    for (const Descr& d : kDescrs) {
      if (d.kind == kind && d.size == size) {
        out = d.dtype;
        return Status::Ok();
      }
    }
    return unsupported(".npy dtype '" + descr + "'");
  }

  std::string_view s_;
  size_t i_ = 0;
};

// Parses everything before the data; `n` bytes at `p` must hold at least the whole header.
Result<Header> parse_header(const unsigned char* p, size_t n) {
  ASSIGN_OR_RETURN(size_t offset, data_offset(p, n));
  if (n < offset) return invalid_argument("truncated .npy header");
  const size_t prefix = prefix_len(p[6]);
  Header h;
  HeaderReader reader(std::string_view(reinterpret_cast<const char*>(p) + prefix, offset - prefix));
  RETURN_IF_ERROR(reader.parse(h));
  ASSIGN_OR_RETURN(int64_t count, checked_num_elements(h.shape));
  h.data_offset = offset;
  h.data_bytes = static_cast<size_t>(count) * dtype_size(h.dtype);
  return h;
}

Status check_data_size(const Header& h, size_t available) {
  if (available < h.data_bytes) {
    return invalid_argument("truncated .npy data: " + shape_to_string(h.shape) + " " + dtype_name(h.dtype) +
                            " needs " + std::to_string(h.data_bytes) + " bytes, " + std::to_string(available) +
                            " present");
  }
  if (available > h.data_bytes) {
    return invalid_argument(".npy file has " + std::to_string(available - h.data_bytes) +
                            " bytes after the data");
  }
  return Status::Ok();
}

// A C++ bool holding anything but 0 or 1 is undefined behaviour: check before handing it out.
Status check_bools(const Tensor& t) {
  if (t.dtype() != DType::kBool) return Status::Ok();
  const auto* b = static_cast<const unsigned char*>(t.raw_data());
  for (size_t i = 0; i < t.byte_size(); ++i) {
    if (b[i] > 1) return invalid_argument(".npy bool element " + std::to_string(i) + " is " + std::to_string(b[i]));
  }
  return Status::Ok();
}

std::string shape_literal(const Shape& s) {
  std::string out = "(";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + (s.size() == 1 ? ",)" : ")");
}

// Everything numpy.save writes before the data, byte for byte.
Result<std::string> header_bytes(DType dtype, const Shape& shape) {
  const Descr* descr = nullptr;
  for (const Descr& d : kDescrs) {
    if (d.dtype == dtype) descr = &d;
  }
  if (descr == nullptr) return unsupported(std::string("cannot write a ") + dtype_name(dtype) + " tensor as .npy");
  std::string dict = std::string("{'descr': '") + (descr->size == 1 ? '|' : '<') + descr->kind +
                     std::to_string(descr->size) + "', 'fortran_order': False, 'shape': " + shape_literal(shape) + ", }";
  if (!shape.empty()) dict.append(kGrowthAxisMaxDigits - std::to_string(shape[0]).size(), ' ');
  for (unsigned major : {1u, 2u}) {
    const size_t prefix = prefix_len(major);
    const size_t len = dict.size() + 1;  // + '\n'
    const size_t pad = kAlign - (prefix + len) % kAlign;
    const size_t header_len = len + pad;
    if (major == 1 && header_len > 0xffff) continue;
    std::string out(kMagic, kMagicLen);
    out += static_cast<char>(major);
    out += '\0';
    for (size_t i = 0; i < prefix - 8; ++i) out += static_cast<char>((header_len >> (8 * i)) & 0xff);
    out += dict;
    out.append(pad, ' ');
    out += '\n';
    return out;
  }
  return invalid_argument("shape too long for a .npy header");
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

Status read_exact(std::FILE* f, void* dst, size_t n) {
  if (n > 0 && std::fread(dst, 1, n, f) != n) return io_error(std::string("read failed: ") + std::strerror(errno));
  return Status::Ok();
}

Result<Tensor> read_file(const std::string& path) {
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) {
    const std::string why = std::strerror(errno);
    return errno == ENOENT ? not_found("no such file") : io_error("cannot open: " + why);
  }
  if (std::fseek(f.get(), 0, SEEK_END) != 0) return io_error("cannot seek");
  const long end = std::ftell(f.get());
  if (end < 0 || std::fseek(f.get(), 0, SEEK_SET) != 0) return io_error("cannot seek");
  const size_t size = static_cast<size_t>(end);

  std::string head(std::min<size_t>(size, 12), '\0');
  RETURN_IF_ERROR(read_exact(f.get(), head.data(), head.size()));
  const auto* bytes = reinterpret_cast<const unsigned char*>(head.data());
  ASSIGN_OR_RETURN(size_t offset, data_offset(bytes, head.size()));
  if (size < offset) return invalid_argument("truncated .npy header");
  head.resize(offset);
  if (std::fseek(f.get(), 0, SEEK_SET) != 0) return io_error("cannot seek");
  RETURN_IF_ERROR(read_exact(f.get(), head.data(), offset));
  ASSIGN_OR_RETURN(Header h, parse_header(reinterpret_cast<const unsigned char*>(head.data()), head.size()));
  RETURN_IF_ERROR(check_data_size(h, size - offset));

  ASSIGN_OR_RETURN(Tensor t, Tensor::allocate(h.dtype, h.shape));
  RETURN_IF_ERROR(read_exact(f.get(), t.raw_data(), h.data_bytes));
  RETURN_IF_ERROR(check_bools(t));
  return t;
}

Status write_file(const std::string& path, const Tensor& t) {
  ASSIGN_OR_RETURN(std::string header, header_bytes(t.dtype(), t.shape()));
  File f(std::fopen(path.c_str(), "wb"));
  if (!f) return io_error(std::string("cannot create: ") + std::strerror(errno));
  const size_t bytes = t.byte_size();
  if (std::fwrite(header.data(), 1, header.size(), f.get()) != header.size() ||
      (bytes > 0 && std::fwrite(t.raw_data(), 1, bytes, f.get()) != bytes)) {
    return io_error(std::string("write failed: ") + std::strerror(errno));
  }
  if (std::fclose(f.release()) != 0) return io_error(std::string("write failed: ") + std::strerror(errno));
  return Status::Ok();
}

}  // namespace

Result<Tensor> parse_npy(const void* data, size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  ASSIGN_OR_RETURN(Header h, parse_header(p, size));
  RETURN_IF_ERROR(check_data_size(h, size - h.data_offset));
  ASSIGN_OR_RETURN(Tensor t, Tensor::allocate(h.dtype, h.shape));
  if (h.data_bytes > 0) std::memcpy(t.raw_data(), p + h.data_offset, h.data_bytes);
  RETURN_IF_ERROR(check_bools(t));
  return t;
}

Result<Tensor> read_npy(const std::string& path) {
  Result<Tensor> t = read_file(path);
  if (!t.ok()) return t.status().with_context(path);
  return t;
}

Status write_npy(const std::string& path, const Tensor& t) { return write_file(path, t).with_context(path); }

}  // namespace edgerun
