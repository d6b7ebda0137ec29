#include "graph/onnx/protobuf_reader.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "graph/onnx/protobuf_writer.h"

namespace edgerun::onnx::pb {
namespace {

using ProtoWriter = Writer;

bool contains(const Status& st, const std::string& text) { return st.message().find(text) != std::string::npos; }

// Reads every field of a message; returns them or the first error.
Result<std::vector<Field>> read_all(const ProtoWriter& w, const char* root = "Root") {
  Reader r(w.data(), w.size(), root);
  std::vector<Field> fields;
  while (!r.at_end()) {
    Field f;
    RETURN_IF_ERROR(r.next(&f));
    fields.push_back(f);
  }
  return fields;
}

TEST_CASE("varints decode over their whole range and reject overlong or cut encodings") {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{300}, uint64_t{1} << 35,
                     uint64_t{1} << 63, std::numeric_limits<uint64_t>::max()}) {
    ProtoWriter w;
    w.raw_varint(v);
    const uint8_t* p = w.data();
    uint64_t got = 0;
    REQUIRE(decode_varint(&p, w.data() + w.size(), &got));
    CHECK(got == v);
    CHECK(p == w.data() + w.size());
    // Every strict prefix is cut off.
    for (size_t n = 0; n < w.size(); ++n) {
      const uint8_t* q = w.data();
      CHECK_FALSE(decode_varint(&q, w.data() + n, &got));
    }
  }
  const std::vector<uint8_t> eleven(11, 0x80);  // continuation past 10 bytes
  const uint8_t* p = eleven.data();
  uint64_t v = 0;
  CHECK_FALSE(decode_varint(&p, eleven.data() + eleven.size(), &v));
  std::vector<uint8_t> too_big(9, 0xff);  // 10th byte carries bits past 64
  too_big.push_back(0x02);
  p = too_big.data();
  CHECK_FALSE(decode_varint(&p, too_big.data() + too_big.size(), &v));
}

TEST_CASE("reader decodes every wire type and typed views check the wire type") {
  ProtoWriter w;
  w.varint(1, 150).fixed64(2, 0x0102030405060708ull).string(3, "hello").fixed32(4, 0xdeadbeef).int64(5, -7);
  w.float32(6, 1.5f).double64(7, -2.25);
  Reader r(w.data(), w.size(), "Root");
  Field f;
  REQUIRE(r.next(&f).ok());
  CHECK(f.number == 1);
  CHECK(r.read_uint64(f, "a").value() == 150);
  CHECK_FALSE(r.read_string(f, "a").ok());
  REQUIRE(r.next(&f).ok());
  CHECK(f.wire_type == WireType::kFixed64);
  CHECK(f.value == 0x0102030405060708ull);
  REQUIRE(r.next(&f).ok());
  CHECK(r.read_string(f, "s").value() == "hello");
  CHECK_FALSE(r.read_int64(f, "s").ok());
  REQUIRE(r.next(&f).ok());
  CHECK(f.value == 0xdeadbeef);
  REQUIRE(r.next(&f).ok());
  CHECK(r.read_int64(f, "i").value() == -7);
  CHECK(r.read_int32(f, "i").value() == -7);
  REQUIRE(r.next(&f).ok());
  CHECK(r.read_float(f, "f").value() == 1.5f);
  CHECK_FALSE(r.read_double(f, "f").ok());
  REQUIRE(r.next(&f).ok());
  CHECK(r.read_double(f, "d").value() == -2.25);
  CHECK(r.at_end());
}

TEST_CASE("int32 fields reject values that do not fit") {
  ProtoWriter w;
  w.varint(1, uint64_t{1} << 33);
  Reader r(w.data(), w.size(), "Root");
  Field f;
  REQUIRE(r.next(&f).ok());
  const Status st = r.read_int32(f, "data_type").status();
  CHECK_FALSE(st.ok());
  CHECK(contains(st, "Root.data_type"));
}

TEST_CASE("unknown fields and groups are skipped") {
  ProtoWriter w;
  w.tag(9, ProtoWriter::kStartGroup).varint(1, 5).tag(10, ProtoWriter::kStartGroup).string(2, "x");
  w.tag(10, ProtoWriter::kEndGroup).tag(9, ProtoWriter::kEndGroup).varint(3, 42);
  auto fields = read_all(w);
  REQUIRE(fields.ok());
  REQUIRE(fields->size() == 2);
  CHECK((*fields)[0].number == 9);
  CHECK((*fields)[1].number == 3);
  CHECK((*fields)[1].value == 42);
}

TEST_CASE("malformed framing is an error naming the message path") {
  struct Case {
    const char* what;
    ProtoWriter bytes;
    const char* message;
  };
  std::vector<Case> cases;
  cases.push_back({"length past end", ProtoWriter().tag(2, 2).raw_varint(100).raw({1, 2, 3}), "exceeds"});
  cases.push_back({"cut fixed32", ProtoWriter().tag(2, 5).raw({1, 2}), "truncated fixed32"});
  cases.push_back({"cut fixed64", ProtoWriter().tag(2, 1).raw({1, 2, 3, 4, 5, 6, 7}), "truncated fixed64"});
  cases.push_back({"cut varint", ProtoWriter().tag(2, 0).raw({0x80}), "varint"});
  cases.push_back({"field number 0", ProtoWriter().tag(0, 0).raw_varint(1), "invalid field number"});
  cases.push_back({"wire type 6", ProtoWriter().tag(2, 6), "invalid wire type"});
  cases.push_back({"wire type 7", ProtoWriter().tag(2, 7), "invalid wire type"});
  cases.push_back({"stray end group", ProtoWriter().tag(2, 4), "end-group"});
  cases.push_back({"open group", ProtoWriter().tag(2, 3).varint(1, 1), "not closed"});
  cases.push_back({"mismatched group", ProtoWriter().tag(2, 3).tag(3, 4), "mismatched"});
  cases.push_back({"cut tag", ProtoWriter().raw({0x80}), "tag"});
  for (const Case& c : cases) {
    CAPTURE(c.what);
    auto fields = read_all(c.bytes, "Model");
    REQUIRE_FALSE(fields.ok());
    CHECK(fields.status().code() == StatusCode::kInvalidModel);
    CHECK(contains(fields.status(), "Model"));
    CHECK(contains(fields.status(), c.message));
  }
}

TEST_CASE("groups and messages cannot nest without limit") {
  ProtoWriter groups;
  for (int i = 0; i < 1000; ++i) groups.tag(1, ProtoWriter::kStartGroup);
  for (int i = 0; i < 1000; ++i) groups.tag(1, ProtoWriter::kEndGroup);
  auto fields = read_all(groups);
  REQUIRE_FALSE(fields.ok());
  CHECK(contains(fields.status(), "too deeply"));

  ProtoWriter nested;
  for (int i = 0; i < Reader::kMaxDepth + 5; ++i) nested = ProtoWriter().message(1, nested);
  // Descend through field 1 until the reader refuses.
  // Children point at their parent, so the chain must never reallocate.
  std::vector<Reader> chain;
  chain.reserve(Reader::kMaxDepth + 8);
  chain.push_back(Reader(nested.data(), nested.size(), "Root"));
  Status st;
  while (st.ok() && chain.size() < chain.capacity()) {
    Field f;
    st = chain.back().next(&f);
    if (!st.ok()) break;
    Result<Reader> child = chain.back().message(f, "child");
    st = child.status();
    if (st.ok()) chain.push_back(child.value());
  }
  CHECK(contains(st, "nested too deeply"));
  CHECK(chain.size() == Reader::kMaxDepth + 1);
}

TEST_CASE("error paths name nested and repeated fields") {
  ProtoWriter inner;
  inner.tag(4, 2).raw_varint(50);  // length past the end of the inner message
  ProtoWriter outer;
  outer.message(1, inner);
  Reader r(outer.data(), outer.size(), "ModelProto");
  Field f;
  REQUIRE(r.next(&f).ok());
  Result<Reader> child = r.message(f, "node", 3);
  REQUIRE(child.ok());
  Field g;
  const Status st = child->next(&g);
  REQUIRE_FALSE(st.ok());
  CHECK(contains(st, "ModelProto.node[3]: field 4: length 50 exceeds"));
}

TEST_CASE("repeated scalars read packed and unpacked alike") {
  const std::vector<int64_t> ints{0, 1, -1, 300, std::numeric_limits<int64_t>::min()};
  const std::vector<float> floats{0.5f, -3.0f, 1e30f};
  const std::vector<double> doubles{0.25, -1e300};
  ProtoWriter packed;
  packed.packed_varints(1, ints).packed_fixed(2, floats).packed_fixed(3, doubles);
  ProtoWriter unpacked;
  for (int64_t v : ints) unpacked.int64(1, v);
  for (float v : floats) unpacked.float32(2, v);
  for (double v : doubles) unpacked.double64(3, v);
  for (const ProtoWriter* w : {&packed, &unpacked}) {
    Reader r(w->data(), w->size(), "Root");
    std::vector<int64_t> got_ints;
    std::vector<float> got_floats;
    std::vector<double> got_doubles;
    size_t counted = 0;
    while (!r.at_end()) {
      Field f;
      REQUIRE(r.next(&f).ok());
      if (f.number == 1) {
        counted += r.count_elements(f, "i", WireType::kVarint).value();
        REQUIRE(r.append_int64s(f, "i", &got_ints).ok());
      }
      if (f.number == 2) REQUIRE(r.append_floats(f, "f", &got_floats).ok());
      if (f.number == 3) REQUIRE(r.append_doubles(f, "d", &got_doubles).ok());
    }
    CHECK(got_ints == ints);
    CHECK(counted == ints.size());
    CHECK(got_floats == floats);
    CHECK(got_doubles == doubles);
  }
}

TEST_CASE("malformed packed runs are errors") {
  auto first_field = [](Reader* r) {
    Field f;
    REQUIRE(r->next(&f).ok());
    return f;
  };
  ProtoWriter odd;
  odd.bytes(1, "abcdef", 6);  // 6 bytes is not a whole number of floats
  Reader r1(odd.data(), odd.size(), "T");
  Field f1 = first_field(&r1);
  std::vector<float> floats;
  CHECK_FALSE(r1.append_floats(f1, "float_data", &floats).ok());
  CHECK_FALSE(r1.count_elements(f1, "float_data", WireType::kFixed32).ok());

  ProtoWriter cut;
  cut.bytes(1, "\x01\x80", 2);  // the second varint never ends inside the field
  Reader r2(cut.data(), cut.size(), "T");
  Field f2 = first_field(&r2);
  std::vector<int64_t> ints;
  const Status st = r2.append_int64s(f2, "dims", &ints);
  CHECK_FALSE(st.ok());
  CHECK(contains(st, "T.dims"));
  CHECK_FALSE(r2.count_elements(f2, "dims", WireType::kVarint).ok());

  ProtoWriter wide;
  wide.packed_varints(1, {1, int64_t{1} << 40});
  Reader r3(wide.data(), wide.size(), "T");
  Field f3 = first_field(&r3);
  std::vector<int32_t> i32;
  CHECK_FALSE(r3.append_int32s(f3, "int32_data", &i32).ok());

  ProtoWriter wrong;
  wrong.fixed64(1, 7);  // a fixed64 where floats are expected
  Reader r4(wrong.data(), wrong.size(), "T");
  Field f4 = first_field(&r4);
  CHECK_FALSE(r4.append_floats(f4, "f", &floats).ok());
  CHECK_FALSE(r4.append_int64s(f4, "i", &ints).ok());
}

TEST_CASE("an empty buffer is an empty message") {
  Reader r(nullptr, 0, "Root");
  CHECK(r.at_end());
  Reader s(nullptr, 10, "Root");  // a null buffer never claims bytes
  CHECK(s.at_end());
}

}  // namespace
}  // namespace edgerun::onnx::pb
