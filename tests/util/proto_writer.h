// A tiny protobuf wire-format encoder for tests: builds messages field by field (including malformed
// ones, with raw()), so tests make their ONNX models in code instead of committing binaries.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace edgerun::testing {

class ProtoWriter {
 public:
  enum Wire : uint32_t { kVarint = 0, kFixed64 = 1, kLen = 2, kStartGroup = 3, kEndGroup = 4, kFixed32 = 5 };

  ProtoWriter& tag(uint32_t field, uint32_t wire) { return raw_varint((uint64_t{field} << 3) | wire); }
  ProtoWriter& raw_varint(uint64_t v) {
    while (v >= 0x80) {
      bytes_.push_back(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    bytes_.push_back(static_cast<uint8_t>(v));
    return *this;
  }
  ProtoWriter& raw(const std::vector<uint8_t>& b) {
    bytes_.insert(bytes_.end(), b.begin(), b.end());
    return *this;
  }

  ProtoWriter& varint(uint32_t field, uint64_t v) { return tag(field, kVarint).raw_varint(v); }
  // int32/int64/enum: negative values are sign-extended to 64 bits, as protobuf does.
  ProtoWriter& int64(uint32_t field, int64_t v) { return varint(field, static_cast<uint64_t>(v)); }
  ProtoWriter& fixed32(uint32_t field, uint32_t v) { return tag(field, kFixed32).le(&v, 4); }
  ProtoWriter& fixed64(uint32_t field, uint64_t v) { return tag(field, kFixed64).le(&v, 8); }
  ProtoWriter& float32(uint32_t field, float v) { return tag(field, kFixed32).le(&v, 4); }
  ProtoWriter& double64(uint32_t field, double v) { return tag(field, kFixed64).le(&v, 8); }
  ProtoWriter& bytes(uint32_t field, const void* data, size_t size) {
    tag(field, kLen).raw_varint(size);
    return le(data, size);
  }
  ProtoWriter& string(uint32_t field, const std::string& s) { return bytes(field, s.data(), s.size()); }
  ProtoWriter& message(uint32_t field, const ProtoWriter& m) { return bytes(field, m.data(), m.size()); }

  ProtoWriter& packed_varints(uint32_t field, const std::vector<int64_t>& values) {
    ProtoWriter body;
    for (int64_t v : values) body.raw_varint(static_cast<uint64_t>(v));
    return message(field, body);
  }
  template <typename T>  // float or double
  ProtoWriter& packed_fixed(uint32_t field, const std::vector<T>& values) {
    return bytes(field, values.data(), values.size() * sizeof(T));
  }

  const uint8_t* data() const { return bytes_.data(); }
  size_t size() const { return bytes_.size(); }
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  ProtoWriter& le(const void* p, size_t n) {  // the test hosts are little-endian, as is the wire format
    const auto* b = static_cast<const uint8_t*>(p);
    bytes_.insert(bytes_.end(), b, b + n);
    return *this;
  }
  std::vector<uint8_t> bytes_;
};

}  // namespace edgerun::testing
