// A small encoder for the protobuf wire format, the counterpart of protobuf_reader.h: builds a message
// field by field into a byte vector. The ONNX writer uses it for every message but the bulk tensor
// data, which it streams (length_header() writes a field's tag and length without its payload). Tests
// use it to build ONNX models in code, malformed ones included (raw(), raw_varint()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace edgerun::onnx::pb {

// Fixed-width fields and raw tensor data are copied in host byte order; the wire format is
// little-endian, as are the hosts edgerun supports (the importer makes the same assumption).
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the protobuf writer assumes a little-endian host");

class Writer {
 public:
  enum Wire : uint32_t { kVarint = 0, kFixed64 = 1, kLen = 2, kStartGroup = 3, kEndGroup = 4, kFixed32 = 5 };

  Writer& tag(uint32_t field, uint32_t wire) { return raw_varint((uint64_t{field} << 3) | wire); }
  Writer& raw_varint(uint64_t v) {
    while (v >= 0x80) {
      bytes_.push_back(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    bytes_.push_back(static_cast<uint8_t>(v));
    return *this;
  }
  Writer& raw(const std::vector<uint8_t>& b) {
    bytes_.insert(bytes_.end(), b.begin(), b.end());
    return *this;
  }

  Writer& varint(uint32_t field, uint64_t v) { return tag(field, kVarint).raw_varint(v); }
  // int32/int64/enum: negative values are sign-extended to 64 bits, as protobuf does.
  Writer& int64(uint32_t field, int64_t v) { return varint(field, static_cast<uint64_t>(v)); }
  Writer& fixed32(uint32_t field, uint32_t v) { return tag(field, kFixed32).le(&v, 4); }
  Writer& fixed64(uint32_t field, uint64_t v) { return tag(field, kFixed64).le(&v, 8); }
  Writer& float32(uint32_t field, float v) { return tag(field, kFixed32).le(&v, 4); }
  Writer& double64(uint32_t field, double v) { return tag(field, kFixed64).le(&v, 8); }
  // The tag and length of a length-delimited field whose `size` payload bytes the caller adds itself.
  Writer& length_header(uint32_t field, uint64_t size) { return tag(field, kLen).raw_varint(size); }
  Writer& bytes(uint32_t field, const void* data, size_t size) { return length_header(field, size).le(data, size); }
  Writer& string(uint32_t field, const std::string& s) { return bytes(field, s.data(), s.size()); }
  Writer& message(uint32_t field, const Writer& m) { return bytes(field, m.data(), m.size()); }

  Writer& packed_varints(uint32_t field, const std::vector<int64_t>& values) {
    Writer body;
    for (int64_t v : values) body.raw_varint(static_cast<uint64_t>(v));
    return message(field, body);
  }
  template <typename T>  // float or double
  Writer& packed_fixed(uint32_t field, const std::vector<T>& values) {
    return bytes(field, values.data(), values.size() * sizeof(T));
  }

  const uint8_t* data() const { return bytes_.data(); }
  size_t size() const { return bytes_.size(); }
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  Writer& le(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    bytes_.insert(bytes_.end(), b, b + n);
    return *this;
  }
  std::vector<uint8_t> bytes_;
};

}  // namespace edgerun::onnx::pb
