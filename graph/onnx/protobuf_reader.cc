#include "graph/onnx/protobuf_reader.h"

#include <cstring>
#include <limits>

namespace edgerun::onnx::pb {

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the protobuf reader copies fixed-width little-endian values with memcpy"
#endif

namespace {

constexpr uint32_t kMaxFieldNumber = (uint32_t{1} << 29) - 1;

const char* wire_type_name(WireType t) {
  switch (t) {
    case WireType::kVarint: return "varint";
    case WireType::kFixed64: return "fixed64";
    case WireType::kLengthDelimited: return "length-delimited";
    case WireType::kStartGroup: return "start-group";
    case WireType::kEndGroup: return "end-group";
    case WireType::kFixed32: return "fixed32";
  }
  return "invalid";
}

template <typename T>
T load_le(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Calls `fn(uint64_t)` for each varint in [p, end); false if one is malformed or cut off.
template <typename Fn>
bool for_each_varint(const uint8_t* p, const uint8_t* end, Fn fn) {
  while (p < end) {
    uint64_t v = 0;
    if (!decode_varint(&p, end, &v)) return false;
    fn(v);
  }
  return true;
}

bool fits_int32(uint64_t v) {
  const auto s = static_cast<int64_t>(v);
  return s >= std::numeric_limits<int32_t>::min() && s <= std::numeric_limits<int32_t>::max();
}

}  // namespace

bool decode_varint(const uint8_t** p, const uint8_t* end, uint64_t* value) {
  uint64_t v = 0;
  const uint8_t* q = *p;
  for (int i = 0; i < 10; ++i) {
    if (q >= end) return false;
    const uint8_t b = *q++;
    if (i == 9 && b > 1) return false;  // bits past 64
    v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      *p = q;
      *value = v;
      return true;
    }
  }
  return false;
}

Reader::Reader(const uint8_t* data, size_t size, const char* root_name)
    : Reader(data, size, nullptr, root_name, -1, 0) {}

Reader::Reader(const uint8_t* data, size_t size, const Reader* parent, const char* name, int64_t index, int depth)
    : data_(size == 0 ? nullptr : data),
      size_(data == nullptr ? 0 : size),
      parent_(parent),
      name_(name),
      index_(index),
      depth_(depth) {}

std::string Reader::path() const {
  std::string p = parent_ ? parent_->path() + "." + name_ : std::string(name_);
  if (index_ >= 0) p += "[" + std::to_string(index_) + "]";
  return p;
}

std::string Reader::path(const char* field) const { return field ? path() + "." + field : path(); }

Status Reader::error(const char* field, const std::string& message) const {
  return invalid_model(path(field) + ": " + message);
}

Status Reader::next(Field* field) {
  const uint8_t* p = data_ + pos_;
  const uint8_t* end = data_ + size_;
  const size_t at = pos_;
  uint64_t tag = 0;
  if (!decode_varint(&p, end, &tag)) {
    return error(nullptr, "truncated or overlong field tag at byte " + std::to_string(at));
  }
  const uint64_t number = tag >> 3;
  const auto wire = static_cast<uint8_t>(tag & 7);
  if (number == 0 || number > kMaxFieldNumber) {
    return error(nullptr, "invalid field number " + std::to_string(number) + " at byte " + std::to_string(at));
  }
  Field f;
  f.number = static_cast<uint32_t>(number);
  f.wire_type = static_cast<WireType>(wire);
  auto fail = [&](const std::string& what) { return error(nullptr, "field " + std::to_string(number) + ": " + what); };
  switch (wire) {
    case 0:
      if (!decode_varint(&p, end, &f.value)) return fail("truncated or overlong varint");
      break;
    case 1:
      if (end - p < 8) return fail("truncated fixed64");
      f.value = load_le<uint64_t>(p);
      p += 8;
      break;
    case 5:
      if (end - p < 4) return fail("truncated fixed32");
      f.value = load_le<uint32_t>(p);
      p += 4;
      break;
    case 2: {
      uint64_t len = 0;
      if (!decode_varint(&p, end, &len)) return fail("truncated length");
      const auto remaining = static_cast<uint64_t>(end - p);
      if (len > remaining) {
        return fail("length " + std::to_string(len) + " exceeds the " + std::to_string(remaining) + " bytes left");
      }
      f.data = p;
      f.size = static_cast<size_t>(len);
      p += len;
      break;
    }
    case 3:
      pos_ = static_cast<size_t>(p - data_);
      RETURN_IF_ERROR(skip_group(f.number));
      *field = f;
      return Status::Ok();
    case 4: return fail("end-group without a start-group");
    default: return fail("invalid wire type " + std::to_string(wire));
  }
  pos_ = static_cast<size_t>(p - data_);
  *field = f;
  return Status::Ok();
}

// Skips a (deprecated, unknown) group up to its matching end-group tag, tracking nested groups on a
// bounded stack instead of recursing.
Status Reader::skip_group(uint32_t start_number) {
  std::vector<uint32_t> open{start_number};
  while (!open.empty()) {
    if (depth_ + static_cast<int>(open.size()) > kMaxDepth) return error(nullptr, "groups nested too deeply");
    if (at_end()) return error(nullptr, "group " + std::to_string(open.back()) + " is not closed");
    const uint8_t* p = data_ + pos_;
    const uint8_t* end = data_ + size_;
    uint64_t tag = 0;
    if (!decode_varint(&p, end, &tag) || (tag >> 3) == 0 || (tag >> 3) > kMaxFieldNumber) {
      return error(nullptr, "bad tag inside group " + std::to_string(open.back()));
    }
    const auto number = static_cast<uint32_t>(tag >> 3);
    const auto wire = static_cast<uint8_t>(tag & 7);
    if (wire == 3) {
      open.push_back(number);
      pos_ = static_cast<size_t>(p - data_);
      continue;
    }
    if (wire == 4) {
      if (number != open.back()) return error(nullptr, "mismatched end-group " + std::to_string(number));
      open.pop_back();
      pos_ = static_cast<size_t>(p - data_);
      continue;
    }
    Field ignored;
    RETURN_IF_ERROR(next(&ignored));  // a plain field: next() checks and consumes it
  }
  return Status::Ok();
}

Status Reader::expect(const Field& f, WireType wire_type, const char* name) const {
  if (f.wire_type == wire_type) return Status::Ok();
  return error(name,
               std::string("expected wire type ") + wire_type_name(wire_type) + ", got " + wire_type_name(f.wire_type));
}

Result<Reader> Reader::message(const Field& f, const char* name, int64_t index) const {
  RETURN_IF_ERROR(expect(f, WireType::kLengthDelimited, name));
  if (depth_ + 1 > kMaxDepth) return error(name, "messages nested too deeply");
  return Reader(f.data, f.size, this, name, index, depth_ + 1);
}

Result<uint64_t> Reader::read_uint64(const Field& f, const char* name) const {
  RETURN_IF_ERROR(expect(f, WireType::kVarint, name));
  return f.value;
}

Result<int64_t> Reader::read_int64(const Field& f, const char* name) const {
  RETURN_IF_ERROR(expect(f, WireType::kVarint, name));
  return static_cast<int64_t>(f.value);
}

Result<int32_t> Reader::read_int32(const Field& f, const char* name) const {
  RETURN_IF_ERROR(expect(f, WireType::kVarint, name));
  if (!fits_int32(f.value)) return error(name, "value " + std::to_string(f.value) + " does not fit int32");
  return static_cast<int32_t>(static_cast<int64_t>(f.value));
}

Result<float> Reader::read_float(const Field& f, const char* name) const {
  RETURN_IF_ERROR(expect(f, WireType::kFixed32, name));
  const auto bits = static_cast<uint32_t>(f.value);
  float v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

Result<double> Reader::read_double(const Field& f, const char* name) const {
  RETURN_IF_ERROR(expect(f, WireType::kFixed64, name));
  double v;
  std::memcpy(&v, &f.value, sizeof v);
  return v;
}

Result<std::string> Reader::read_string(const Field& f, const char* name) const {
  RETURN_IF_ERROR(expect(f, WireType::kLengthDelimited, name));
  return std::string(reinterpret_cast<const char*>(f.data), f.size);
}

Status Reader::read_bytes(const Field& f, const char* name, const uint8_t** data, size_t* size) const {
  RETURN_IF_ERROR(expect(f, WireType::kLengthDelimited, name));
  *data = f.data;
  *size = f.size;
  return Status::Ok();
}

Result<size_t> Reader::count_elements(const Field& f, const char* name, WireType element_wire_type) const {
  if (f.wire_type == element_wire_type) return size_t{1};
  RETURN_IF_ERROR(expect(f, WireType::kLengthDelimited, name));
  switch (element_wire_type) {
    case WireType::kFixed32:
    case WireType::kFixed64: {
      const size_t width = element_wire_type == WireType::kFixed32 ? 4 : 8;
      if (f.size % width != 0) {
        return error(
            name, "packed field of " + std::to_string(f.size) + " bytes is not a multiple of " + std::to_string(width));
      }
      return f.size / width;
    }
    case WireType::kVarint: {
      size_t n = 0;
      if (!for_each_varint(f.data, f.data + f.size, [&n](uint64_t) { ++n; })) {
        return error(name, "packed varint runs past the end of its field");
      }
      return n;
    }
    default: return error(name, "not a repeated scalar wire type");
  }
}

namespace {

// Shared body of the append_* readers: one element when unpacked, else every element of a packed run.
template <typename T, typename Convert>
Status append_varints(const Reader& r, const Field& f, const char* name, std::vector<T>* out, Convert convert) {
  if (f.wire_type == WireType::kVarint) {
    T v{};
    if (!convert(f.value, &v)) return r.error(name, "value " + std::to_string(f.value) + " out of range");
    out->push_back(v);
    return Status::Ok();
  }
  if (f.wire_type != WireType::kLengthDelimited) return r.error(name, "expected a varint or a packed run");
  bool in_range = true;
  const bool ok = for_each_varint(f.data, f.data + f.size, [&](uint64_t raw) {
    T v{};
    in_range = convert(raw, &v) && in_range;
    out->push_back(v);
  });
  if (!ok) return r.error(name, "packed varint runs past the end of its field");
  if (!in_range) return r.error(name, "packed value out of range");
  return Status::Ok();
}

template <typename T, typename Bits>
Status append_fixed(const Reader& r, const Field& f, const char* name, WireType element, std::vector<T>* out) {
  static_assert(sizeof(T) == sizeof(Bits), "fixed-width element");
  if (f.wire_type == element) {
    const auto bits = static_cast<Bits>(f.value);
    T v;
    std::memcpy(&v, &bits, sizeof v);
    out->push_back(v);
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(size_t n, r.count_elements(f, name, element));
  const size_t old = out->size();
  out->resize(old + n);
  if (n > 0) std::memcpy(out->data() + old, f.data, n * sizeof(T));
  return Status::Ok();
}

}  // namespace

Status Reader::append_int64s(const Field& f, const char* name, std::vector<int64_t>* out) const {
  return append_varints<int64_t>(*this, f, name, out, [](uint64_t raw, int64_t* v) {
    *v = static_cast<int64_t>(raw);
    return true;
  });
}

Status Reader::append_uint64s(const Field& f, const char* name, std::vector<uint64_t>* out) const {
  return append_varints<uint64_t>(*this, f, name, out, [](uint64_t raw, uint64_t* v) {
    *v = raw;
    return true;
  });
}

Status Reader::append_int32s(const Field& f, const char* name, std::vector<int32_t>* out) const {
  return append_varints<int32_t>(*this, f, name, out, [](uint64_t raw, int32_t* v) {
    *v = static_cast<int32_t>(static_cast<int64_t>(raw));
    return fits_int32(raw);
  });
}

Status Reader::append_floats(const Field& f, const char* name, std::vector<float>* out) const {
  return append_fixed<float, uint32_t>(*this, f, name, WireType::kFixed32, out);
}

Status Reader::append_doubles(const Field& f, const char* name, std::vector<double>* out) const {
  return append_fixed<double, uint64_t>(*this, f, name, WireType::kFixed64, out);
}

}  // namespace edgerun::onnx::pb
