#include "graph/onnx/onnx_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <set>
#include <utility>

#include "graph/onnx/protobuf_writer.h"

namespace edgerun::onnx {

namespace {

using pb::Writer;

// Field numbers of onnx.proto (ONNX 1.12).
namespace model_field {
enum : uint32_t { kIrVersion = 1, kProducerName = 2, kGraph = 7, kOpsetImport = 8 };
}
namespace graph_field {
enum : uint32_t { kNode = 1, kName = 2, kInitializer = 5, kInput = 11, kOutput = 12, kValueInfo = 13 };
}
namespace node_field {
enum : uint32_t { kInput = 1, kOutput = 2, kName = 3, kOpType = 4, kAttribute = 5 };
}
namespace attr_field {
enum : uint32_t { kName = 1, kF = 2, kI = 3, kS = 4, kT = 5, kFloats = 7, kInts = 8, kStrings = 9, kType = 20 };
}
namespace tensor_field {
enum : uint32_t { kDims = 1, kDataType = 2, kName = 8, kRawData = 9 };
}
// AttributeProto.AttributeType.
enum AttrType : int64_t { kFloat = 1, kInt = 2, kString = 3, kTensor = 4, kFloats = 6, kInts = 7, kStrings = 8 };

// A serialized message as a sequence of pieces, each encoded bytes followed by borrowed tensor data, so
// that initializers are streamed from the graph's own memory instead of copied into a buffer.
struct Piece {
  Writer head;
  const void* data = nullptr;
  size_t size = 0;
};

class Pieces {
 public:
  void add(Writer head, const void* data = nullptr, size_t size = 0) {
    total_ += head.size() + size;
    list_.push_back({std::move(head), data, size});
  }
  void append(Pieces&& other) {
    total_ += other.total_;
    for (Piece& p : other.list_) list_.push_back(std::move(p));
  }
  uint64_t total() const { return total_; }
  const std::vector<Piece>& list() const { return list_; }

 private:
  std::vector<Piece> list_;
  uint64_t total_ = 0;
};

// TensorProto fields but the data: dims, data_type and name.
Result<Writer> tensor_fields(const std::string& name, const Tensor& t) {
  if (!dtype_is_supported(t.dtype())) {
    return unsupported("tensor '" + name + "' of type " + dtype_name(t.dtype()) + " cannot be written");
  }
  Writer w;
  if (t.rank() > 0) w.packed_varints(tensor_field::kDims, t.shape());
  w.int64(tensor_field::kDataType, static_cast<int64_t>(t.dtype()));  // DType values are ONNX's
  if (!name.empty()) w.string(tensor_field::kName, name);
  return w;
}

Result<Writer> encode_attribute(const std::string& name, const Attribute& a) {
  Writer w;
  w.string(attr_field::kName, name);
  AttrType type = kInt;
  switch (a.kind) {
    case Attribute::Kind::kFloat:
      w.float32(attr_field::kF, a.f);
      type = kFloat;
      break;
    case Attribute::Kind::kInt:
      w.int64(attr_field::kI, a.i);
      type = kInt;
      break;
    case Attribute::Kind::kString:
      w.string(attr_field::kS, a.s);
      type = kString;
      break;
    case Attribute::Kind::kTensor: {
      if (!a.t.defined()) return invalid_argument("attribute '" + name + "' of type TENSOR has no tensor");
      ASSIGN_OR_RETURN(Writer t, tensor_fields("", a.t));
      t.bytes(tensor_field::kRawData, a.t.raw_data(), a.t.byte_size());
      w.message(attr_field::kT, t);
      type = kTensor;
      break;
    }
    case Attribute::Kind::kFloats:
      w.packed_fixed(attr_field::kFloats, a.floats);
      type = kFloats;
      break;
    case Attribute::Kind::kInts:
      w.packed_varints(attr_field::kInts, a.ints);
      type = kInts;
      break;
    case Attribute::Kind::kStrings:
      for (const std::string& s : a.strings) w.string(attr_field::kStrings, s);
      type = kStrings;
      break;
  }
  w.int64(attr_field::kType, type);
  return w;
}

// The name a node or the graph uses for a value; every referenced value needs one.
Result<std::string> value_name(const Graph& g, ValueId id) {
  if (id == kNoValue) return std::string();
  if (id < 0 || static_cast<size_t>(id) >= g.values.size()) {
    return invalid_argument("value id " + std::to_string(id) + " out of range");
  }
  const std::string& name = g.value(id).name;
  if (name.empty()) return invalid_argument("value " + std::to_string(id) + " has no name");
  return name;
}

// ONNX requires node names to be unique: a repeated name gets a suffix, the first node keeps it.
std::vector<std::string> unique_node_names(const Graph& g) {
  std::set<std::string> taken, seen;
  for (const Node& n : g.nodes) taken.insert(n.name);
  std::vector<std::string> names;
  for (const Node& n : g.nodes) {
    std::string name = n.name;
    if (!name.empty() && !seen.insert(name).second) {
      for (int k = 1; taken.count(name); ++k) name = n.name + "_" + std::to_string(k);
      taken.insert(name);
    }
    names.push_back(std::move(name));
  }
  return names;
}

Result<Writer> encode_node(const Graph& g, const Node& n, const std::string& name) {
  Writer w;
  for (ValueId id : n.inputs) {
    ASSIGN_OR_RETURN(std::string value, value_name(g, id));
    w.string(node_field::kInput, value);
  }
  for (ValueId id : n.outputs) {
    ASSIGN_OR_RETURN(std::string value, value_name(g, id));
    w.string(node_field::kOutput, value);
  }
  if (!name.empty()) w.string(node_field::kName, name);
  w.string(node_field::kOpType, n.op_type.empty() ? std::string(op_name(n.op)) : n.op_type);
  for (const auto& [attr_name, attr] : n.attrs.all()) {
    Result<Writer> a = encode_attribute(attr_name, attr);
    if (!a.ok()) return a.status().with_context(n.describe());
    w.message(node_field::kAttribute, a.value());
  }
  return w;
}

// ValueInfoProto: the name, and the tensor type where `dtype` is known (with the shape where `has_shape`).
Writer encode_value_info(const std::string& name, DType dtype, bool has_shape, const SymShape& shape) {
  Writer vi;
  vi.string(1, name);
  if (dtype == DType::kUndefined) return vi;
  Writer tensor_type;
  tensor_type.int64(1, static_cast<int64_t>(dtype));
  if (has_shape) {
    Writer dims;
    for (const SymDim& d : shape) {
      Writer dim;  // neither field: a dim of unknown size
      if (d.known()) {
        dim.int64(1, d.size);
      } else if (!d.symbol.empty()) {
        dim.string(2, d.symbol);
      }
      dims.message(1, dim);
    }
    tensor_type.message(2, dims);
  }
  vi.message(2, Writer().message(1, tensor_type));
  return vi;
}

Writer encode_value_info(const Value& v) {
  if (!v.constant) return encode_value_info(v.name, v.dtype, v.has_shape, v.shape);
  SymShape shape;
  for (int64_t d : v.constant->shape()) shape.push_back(SymDim{d, ""});
  return encode_value_info(v.name, v.constant->dtype(), true, shape);
}

// The GraphProto's fields, in field-number order as protobuf writes them.
Status encode_graph(const Graph& g, Pieces* out) {
  const std::vector<std::string> node_names = unique_node_names(g);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    ASSIGN_OR_RETURN(Writer node, encode_node(g, g.nodes[i], node_names[i]));
    out->add(Writer().message(graph_field::kNode, node));
  }
  out->add(Writer().string(graph_field::kName, g.name));

  const std::vector<int> uses = g.use_counts();
  for (size_t i = 0; i < g.values.size(); ++i) {
    const Value& v = g.values[i];
    if (!v.constant || uses[i] == 0) continue;  // passes leave folded-away constants behind, unread
    ASSIGN_OR_RETURN(std::string name, value_name(g, static_cast<ValueId>(i)));
    ASSIGN_OR_RETURN(Writer fields, tensor_fields(name, *v.constant));
    const size_t bytes = v.constant->byte_size();
    fields.length_header(tensor_field::kRawData, bytes);
    Writer head;
    head.length_header(graph_field::kInitializer, fields.size() + bytes).raw(fields.bytes());
    out->add(std::move(head), v.constant->raw_data(), bytes);
  }

  std::vector<bool> declared(g.values.size(), false);
  for (ValueId id : g.inputs) {
    RETURN_IF_ERROR(value_name(g, id).status());
    out->add(Writer().message(graph_field::kInput, encode_value_info(g.value(id))));
    declared[static_cast<size_t>(id)] = true;
  }
  for (ValueId id : g.outputs) {
    RETURN_IF_ERROR(value_name(g, id).status());
    out->add(Writer().message(graph_field::kOutput, encode_value_info(g.value(id))));
    declared[static_cast<size_t>(id)] = true;
  }
  const std::vector<int> producers = g.producers();
  for (size_t i = 0; i < g.values.size(); ++i) {
    const Value& v = g.values[i];
    if (declared[i] || v.constant || producers[i] < 0 || v.dtype == DType::kUndefined) continue;
    out->add(Writer().message(graph_field::kValueInfo, encode_value_info(v)));
  }
  return Status::Ok();
}

Result<Pieces> encode_model(const Graph& graph) {
  // Nodes must be in topological order in ONNX; sorting a copy also checks the graph is well formed.
  // The copy shares the tensors' storage.
  Graph g = graph;
  RETURN_IF_ERROR(g.topological_sort());
  if (!g.nodes.empty() && g.opsets.count("") == 0) {
    return invalid_argument("the graph declares no opset for the default domain");
  }
  Pieces body;
  RETURN_IF_ERROR(encode_graph(g, &body));

  Writer head;
  head.int64(model_field::kIrVersion, kWrittenIrVersion);
  head.string(model_field::kProducerName, "edgerun");
  head.length_header(model_field::kGraph, body.total());
  Writer tail;
  for (const auto& [domain, version] : g.opsets) {
    tail.message(model_field::kOpsetImport, Writer().string(1, domain).int64(2, version));
  }
  Pieces model;
  model.add(std::move(head));
  model.append(std::move(body));
  model.add(std::move(tail));
  if (model.total() > kMaxWrittenModelBytes) {
    return out_of_range("the model takes " + std::to_string(model.total()) +
                        " bytes, more than the 2 GiB protobuf allows in one file (external data is not written)");
  }
  return model;
}

Status emit(const Pieces& pieces, const std::function<Status(const void*, size_t)>& sink) {
  for (const Piece& p : pieces.list()) {
    RETURN_IF_ERROR(sink(p.head.data(), p.head.size()));
    if (p.size > 0) RETURN_IF_ERROR(sink(p.data, p.size));
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<uint8_t>> write_model_bytes(const Graph& graph) {
  ASSIGN_OR_RETURN(Pieces pieces, encode_model(graph));
  std::vector<uint8_t> bytes;
  bytes.reserve(pieces.total());
  RETURN_IF_ERROR(emit(pieces, [&](const void* data, size_t size) {
    const auto* b = static_cast<const uint8_t*>(data);
    bytes.insert(bytes.end(), b, b + size);
    return Status::Ok();
  }));
  return bytes;
}

Status write_model_file(const Graph& graph, const std::string& path) {
  ASSIGN_OR_RETURN(Pieces pieces, encode_model(graph));
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return io_error("cannot open '" + path + "' for writing: " + std::strerror(errno));
  Status st = emit(pieces, [&](const void* data, size_t size) {
    if (std::fwrite(data, 1, size, f) == size) return Status::Ok();
    return io_error("cannot write '" + path + "': " + std::strerror(errno));
  });
  if (std::fclose(f) != 0 && st.ok()) st = io_error("cannot write '" + path + "': " + std::strerror(errno));
  if (!st.ok()) std::remove(path.c_str());
  return st;
}

}  // namespace edgerun::onnx
