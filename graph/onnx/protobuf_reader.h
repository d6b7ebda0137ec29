// A small, bounds-checked reader for the protobuf wire format: just what the ONNX importer needs, so that
// no build (the firmware one included) carries a protobuf runtime.
//
// A message is read as a flat sequence of fields. `Reader::next` decodes one field: its number, its wire
// type and its payload (a varint, a 32- or 64-bit fixed value, or a span of bytes for a length-delimited
// field). The caller switches on the field number and ignores the ones it does not know: their payload
// has already been consumed, which is how unknown fields are skipped. Nested messages are read with a
// child Reader over the field's bytes.
//
// Every length is checked against the bytes that remain, varints are limited to 10 bytes, nesting is
// limited to kMaxDepth, and every error is a Status (kInvalidModel) whose message names the field path,
// e.g. "ModelProto.graph.node[3].attribute[0].t.dims: packed varint runs past the end of its field".
// The reader never reads outside [data, data + size) and never allocates more than the input justifies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "graph/status.h"

namespace edgerun::onnx::pb {

enum class WireType : uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,  // deprecated groups: skipped when unknown, never expected
  kEndGroup = 4,
  kFixed32 = 5,
};

// One decoded field. For kVarint, `value` is the varint; for kFixed64 / kFixed32, the raw little-endian
// bits; for kLengthDelimited, `data` and `size` give the payload (pointing into the reader's buffer).
struct Field {
  uint32_t number = 0;
  WireType wire_type = WireType::kVarint;
  uint64_t value = 0;
  const uint8_t* data = nullptr;
  size_t size = 0;
};

class Reader {
 public:
  // Nesting deeper than this is an error (ONNX needs about 6 levels).
  static constexpr int kMaxDepth = 32;

  // A reader over a whole top-level message; `root_name` starts every error path ("ModelProto").
  // The buffer must outlive the reader and every child and Field read from it.
  Reader(const uint8_t* data, size_t size, const char* root_name);

  bool at_end() const { return pos_ >= size_; }

  // Decodes the next field (tag and payload). Call only when !at_end().
  Status next(Field* field);

  // A child reader over a length-delimited field, for a nested message. `index` >= 0 appends "[index]"
  // to the path (repeated fields). The child refers to this reader for its error path, so it must not
  // outlive it.
  Result<Reader> message(const Field& f, const char* name, int64_t index = -1) const;

  // Typed views of a field; each checks the wire type and names the field in its error.
  Result<uint64_t> read_uint64(const Field& f, const char* name) const;
  Result<int64_t> read_int64(const Field& f, const char* name) const;
  // An int32 / enum field: the varint must be a sign-extended 32-bit value.
  Result<int32_t> read_int32(const Field& f, const char* name) const;
  Result<float> read_float(const Field& f, const char* name) const;
  Result<double> read_double(const Field& f, const char* name) const;
  // A string or bytes field, copied.
  Result<std::string> read_string(const Field& f, const char* name) const;
  // A bytes field's payload, checked to be length-delimited (no copy).
  Status read_bytes(const Field& f, const char* name, const uint8_t** data, size_t* size) const;

  // Repeated scalar fields, accepted both packed (one length-delimited field) and unpacked (one field per
  // element), as protobuf parsers must. Each call appends the field's elements to `out`.
  Status append_int64s(const Field& f, const char* name, std::vector<int64_t>* out) const;
  Status append_uint64s(const Field& f, const char* name, std::vector<uint64_t>* out) const;
  Status append_int32s(const Field& f, const char* name, std::vector<int32_t>* out) const;
  Status append_floats(const Field& f, const char* name, std::vector<float>* out) const;
  Status append_doubles(const Field& f, const char* name, std::vector<double>* out) const;
  // Number of elements a repeated scalar field holds, without decoding them (to check a size before
  // allocating). `element_wire_type` is kVarint, kFixed32 or kFixed64.
  Result<size_t> count_elements(const Field& f, const char* name, WireType element_wire_type) const;

  // "ModelProto.graph.node[3]": this reader's path; with `field`, that field's path below it.
  std::string path() const;
  std::string path(const char* field) const;
  // An invalid-model error prefixed by path(field) (or path() when field is null).
  Status error(const char* field, const std::string& message) const;

 private:
  Reader(const uint8_t* data, size_t size, const Reader* parent, const char* name, int64_t index, int depth);
  Status skip_group(uint32_t start_number);
  Status expect(const Field& f, WireType wire_type, const char* name) const;

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  const Reader* parent_;
  const char* name_;
  int64_t index_;
  int depth_;
};

// Decodes one varint from [*p, end); advances *p. False when it runs past `end` or past 10 bytes, or when
// the 10th byte holds more than the top bit of a uint64.
bool decode_varint(const uint8_t** p, const uint8_t* end, uint64_t* value);

}  // namespace edgerun::onnx::pb
