// Builders for ONNX protobuf messages in tests, on top of ProtoWriter. Field numbers follow onnx.proto
// (ONNX 1.12). Each returns a ProtoWriter so a test can append further (or malformed) fields.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/onnx/protobuf_writer.h"

namespace edgerun::testing {

// Tests build models with the encoder the ONNX writer uses.
using ProtoWriter = onnx::pb::Writer;

namespace onnx_pb {

// TensorProto.DataType values used by tests.
enum ElemType : int32_t {
  kFloat = 1,
  kUint8 = 2,
  kInt8 = 3,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUint32 = 12,
  kUint64 = 13,
  kBfloat16 = 16
};

// TensorProto with dims and type only; add data with .bytes(9, ...) (raw_data) or a typed field.
inline ProtoWriter tensor(const std::string& name, int32_t type, const std::vector<int64_t>& dims) {
  ProtoWriter t;
  for (int64_t d : dims) t.int64(1, d);  // unpacked, as onnx's Python helper writes dims
  t.int64(2, type);
  if (!name.empty()) t.string(8, name);
  return t;
}

inline ProtoWriter float_tensor(const std::string& name, const std::vector<int64_t>& dims,
                                const std::vector<float>& values) {
  return tensor(name, kFloat, dims).bytes(9, values.data(), values.size() * sizeof(float));
}

// A tensor whose data lives in an external file, relative to the model's folder.
inline ProtoWriter external_tensor(const std::string& name, int32_t type, const std::vector<int64_t>& dims,
                                   const std::string& location, const std::string& offset = "",
                                   const std::string& length = "") {
  ProtoWriter t = tensor(name, type, dims);
  auto entry = [&t](const std::string& k, const std::string& v) {
    t.message(13, ProtoWriter().string(1, k).string(2, v));
  };
  entry("location", location);
  if (!offset.empty()) entry("offset", offset);
  if (!length.empty()) entry("length", length);
  return t.int64(14, 1);  // data_location = EXTERNAL
}

// One dim of a declared shape: a size, or a symbol when `param` is set.
struct Dim {
  int64_t value = -1;
  std::string param;
  Dim(int64_t v) : value(v) {}      // NOLINT: implicit for brace lists
  Dim(const char* p) : param(p) {}  // NOLINT
};

inline ProtoWriter value_info(const std::string& name, int32_t elem_type, const std::vector<Dim>& dims) {
  ProtoWriter shape;
  for (const Dim& d : dims) {
    ProtoWriter dim;
    if (d.param.empty()) {
      dim.int64(1, d.value);
    } else {
      dim.string(2, d.param);
    }
    shape.message(1, dim);
  }
  ProtoWriter tensor_type;
  tensor_type.int64(1, elem_type).message(2, shape);
  return ProtoWriter().string(1, name).message(2, ProtoWriter().message(1, tensor_type));
}

// AttributeProto.AttributeType values.
enum AttrType : int32_t {
  kAttrFloat = 1,
  kAttrInt = 2,
  kAttrString = 3,
  kAttrTensor = 4,
  kAttrGraph = 5,
  kAttrFloats = 6,
  kAttrInts = 7,
  kAttrStrings = 8,
  kAttrTensors = 9
};

inline ProtoWriter attr(const std::string& name, int32_t type) { return ProtoWriter().string(1, name).int64(20, type); }
inline ProtoWriter attr_int(const std::string& name, int64_t v) { return attr(name, kAttrInt).int64(3, v); }
inline ProtoWriter attr_float(const std::string& name, float v) { return attr(name, kAttrFloat).float32(2, v); }
inline ProtoWriter attr_string(const std::string& name, const std::string& v) {
  return attr(name, kAttrString).string(4, v);
}
inline ProtoWriter attr_ints(const std::string& name, const std::vector<int64_t>& v) {
  ProtoWriter a = attr(name, kAttrInts);
  for (int64_t x : v) a.int64(8, x);
  return a;
}
inline ProtoWriter attr_floats(const std::string& name, const std::vector<float>& v) {
  ProtoWriter a = attr(name, kAttrFloats);
  for (float x : v) a.float32(7, x);
  return a;
}
inline ProtoWriter attr_strings(const std::string& name, const std::vector<std::string>& v) {
  ProtoWriter a = attr(name, kAttrStrings);
  for (const std::string& x : v) a.string(9, x);
  return a;
}
inline ProtoWriter attr_tensor(const std::string& name, const ProtoWriter& t) {
  return attr(name, kAttrTensor).message(5, t);
}

inline ProtoWriter node(const std::string& op_type, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs, const std::string& name = "",
                        const std::vector<ProtoWriter>& attrs = {}, const std::string& domain = "") {
  ProtoWriter n;
  for (const std::string& i : inputs) n.string(1, i);
  for (const std::string& o : outputs) n.string(2, o);
  if (!name.empty()) n.string(3, name);
  n.string(4, op_type);
  for (const ProtoWriter& a : attrs) n.message(5, a);
  if (!domain.empty()) n.string(7, domain);
  return n;
}

struct GraphSpec {
  std::string name = "g";
  std::vector<ProtoWriter> nodes, initializers, inputs, outputs, value_infos;
};

inline ProtoWriter graph(const GraphSpec& s) {
  ProtoWriter g;
  for (const ProtoWriter& n : s.nodes) g.message(1, n);
  g.string(2, s.name);
  for (const ProtoWriter& t : s.initializers) g.message(5, t);
  for (const ProtoWriter& v : s.inputs) g.message(11, v);
  for (const ProtoWriter& v : s.outputs) g.message(12, v);
  for (const ProtoWriter& v : s.value_infos) g.message(13, v);
  return g;
}

inline ProtoWriter opset(const std::string& domain, int64_t version) {
  return ProtoWriter().string(1, domain).int64(2, version);
}

// A ModelProto with the default-domain opset `version` (and any extra opset_import entries).
inline ProtoWriter model(const ProtoWriter& graph_proto, int64_t version = 13,
                         const std::vector<ProtoWriter>& extra_opsets = {}) {
  ProtoWriter m;
  m.int64(1, 8);  // ir_version
  m.string(2, "edgerun-test");
  m.message(7, graph_proto);
  m.message(8, opset("", version));
  for (const ProtoWriter& o : extra_opsets) m.message(8, o);
  return m;
}

}  // namespace onnx_pb
}  // namespace edgerun::testing
