#include "graph/format/edgr_reader.h"

#include <cstring>

#include "graph/format/edgr_format.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the .edgr reader reads little-endian integers as host ones");

namespace edgerun {

namespace {

using std::to_string;

// Smallest encodings, so a count can be checked against the bytes left before anything is allocated.
constexpr uint64_t kMinValueBytes = 4 + 4 + 1 + 16;     // name, dtype, flags, empty quant
constexpr uint64_t kMinNodeBytes = 4 * 3 + 4 + 4 * 3;   // three strings, opset, three counts
constexpr uint64_t kMinAttributeBytes = 4 + 1 + 4;      // name, kind, smallest payload
constexpr uint64_t kMinOpsetBytes = 4 + 8;
constexpr uint64_t kMinDimBytes = 8 + 4;

// [offset, offset + size) inside [begin, end), checked without overflow.
bool fits(uint64_t offset, uint64_t size, uint64_t begin, uint64_t end) {
  return offset >= begin && offset <= end && size <= end - offset;
}

std::string range_text(uint64_t offset, uint64_t size) {
  return "[" + to_string(offset) + ", " + to_string(offset) + " + " + to_string(size) + ")";
}

// Sequential reads from the metadata section; every read checks the bytes left.
class Cursor {
 public:
  Cursor(const uint8_t* file, uint64_t pos, uint64_t end) : file_(file), pos_(pos), end_(end) {}
  template <typename T>
  Status read(T* v) {
    RETURN_IF_ERROR(need(sizeof(T)));
    std::memcpy(v, file_ + pos_, sizeof(T));
    pos_ += sizeof(T);
    return Status::Ok();
  }
  // A u32 count of at most `cap` items, with at least `min_item_bytes` left for each.
  Status count(uint32_t cap, uint64_t min_item_bytes, const char* what, uint32_t* n) {
    RETURN_IF_ERROR(read(n));
    if (*n > cap) return invalid_model(to_string(*n) + " " + what + ", more than the cap of " + to_string(cap));
    if (*n * min_item_bytes > end_ - pos_) {
      return invalid_model(to_string(*n) + " " + what + " cannot fit in the " + to_string(end_ - pos_) +
                           " metadata bytes left at file offset " + to_string(pos_));
    }
    return Status::Ok();
  }
  Status string(std::string* s) {
    uint32_t n = 0;
    RETURN_IF_ERROR(count(edgr::kMaxStringBytes, 1, "string bytes", &n));
    s->assign(reinterpret_cast<const char*>(file_ + pos_), n);
    pos_ += n;
    return Status::Ok();
  }
  uint64_t pos() const { return pos_; }
  uint64_t end() const { return end_; }

 private:
  Status need(uint64_t n) const {
    if (n <= end_ - pos_) return Status::Ok();
    return invalid_model("metadata truncated: " + to_string(n) + " bytes needed at file offset " + to_string(pos_) +
                         ", the metadata section ends at " + to_string(end_));
  }
  const uint8_t* file_;
  uint64_t pos_;
  uint64_t end_;
};

class EdgrReader {
 public:
  EdgrReader(const uint8_t* data, size_t size) : data_(data), size_(size), cur_(data, 0, 0) {}
  Result<Graph> read();

 private:
  Status read_header();
  Status read_dtype(DType* dtype);
  Status read_quant(QuantParams* q);
  Status read_tensor(Tensor* t);
  Status read_value(Graph& g, ValueId id);
  Status read_value_body(Value& v);
  Status read_node(Graph& g, size_t index);
  Status read_attribute(Attributes* attrs);
  Status read_ids(const char* what, size_t num_values, bool allow_none, std::vector<ValueId>* ids);
  static Status check_order(const Graph& g);

  const uint8_t* data_;
  uint64_t size_;
  uint64_t data_begin_ = 0, data_end_ = 0;  // the data section
  Cursor cur_;
};

Status EdgrReader::read_header() {
  if (!edgr::has_edgr_magic(data_, static_cast<size_t>(size_))) return invalid_model("not an .edgr file (no EDGR magic)");
  if (size_ < edgr::kHeaderSize) {
    return invalid_model("the " + to_string(size_) + "-byte file is shorter than the " +
                         to_string(edgr::kHeaderSize) + "-byte header");
  }
  if (reinterpret_cast<uintptr_t>(data_) % edgr::kBufferAlignment != 0) {
    return invalid_argument("the model's bytes must start at a " + to_string(edgr::kBufferAlignment) +
                            "-byte aligned address (the constants are used in place)");
  }
  uint16_t version[2];
  std::memcpy(version, data_ + 4, sizeof(version));
  if (version[0] != edgr::kMajorVersion) {
    return unsupported("format version " + to_string(version[0]) + "." + to_string(version[1]) +
                       ", this reader reads version " + to_string(edgr::kMajorVersion) + ".x");
  }
  uint64_t f[5];  // file size, metadata offset and size, data offset and size
  std::memcpy(f, data_ + 8, sizeof(f));
  if (f[0] != size_) {
    return invalid_model("the header says the file has " + to_string(f[0]) + " bytes, got " + to_string(size_) +
                         (f[0] > size_ ? " (truncated?)" : ""));
  }
  if (!fits(f[1], f[2], edgr::kHeaderSize, size_)) {
    return invalid_model("metadata section " + range_text(f[1], f[2]) + " is not inside the " + to_string(size_) +
                         "-byte file after the header");
  }
  if (!fits(f[3], f[4], f[1] + f[2], size_)) {
    return invalid_model("data section " + range_text(f[3], f[4]) + " is not inside the " + to_string(size_) +
                         "-byte file after the metadata");
  }
  if (f[3] % edgr::kDataAlignment != 0) return invalid_model("data section offset " + to_string(f[3]) + " is not aligned");
  cur_ = Cursor(data_, f[1], f[1] + f[2]);
  data_begin_ = f[3];
  data_end_ = f[3] + f[4];
  return Status::Ok();
}

Status EdgrReader::read_dtype(DType* dtype) {
  int32_t v = 0;
  RETURN_IF_ERROR(cur_.read(&v));
  if (v < 0 || v > static_cast<int32_t>(DType::kU64)) return invalid_model("bad dtype " + to_string(v));
  *dtype = static_cast<DType>(v);
  return Status::Ok();
}

Status EdgrReader::read_quant(QuantParams* q) {
  uint32_t n = 0;
  RETURN_IF_ERROR(cur_.count(edgr::kMaxListElements, 4, "quant scales", &n));
  q->scale.resize(n);
  for (float& s : q->scale) RETURN_IF_ERROR(cur_.read(&s));
  RETURN_IF_ERROR(cur_.count(edgr::kMaxListElements, 4, "quant zero points", &n));
  q->zero_point.resize(n);
  for (int32_t& z : q->zero_point) RETURN_IF_ERROR(cur_.read(&z));
  RETURN_IF_ERROR(cur_.read(&q->axis));
  if (q->axis < -1 || q->axis >= static_cast<int64_t>(edgr::kMaxRank)) {
    return invalid_model("quant axis " + to_string(q->axis) + " out of range");
  }
  return Status::Ok();
}

Status EdgrReader::read_tensor(Tensor* t) {
  DType dtype = DType::kUndefined;
  RETURN_IF_ERROR(read_dtype(&dtype));
  if (!dtype_is_supported(dtype)) return invalid_model(std::string("a tensor of type ") + dtype_name(dtype));
  uint32_t rank = 0;
  RETURN_IF_ERROR(cur_.count(edgr::kMaxRank, 8, "dims", &rank));
  Shape shape(rank);
  for (int64_t& d : shape) RETURN_IF_ERROR(cur_.read(&d));
  Result<int64_t> n = checked_num_elements(shape);
  if (!n.ok()) return invalid_model(n.status().message());
  QuantParams quant;
  RETURN_IF_ERROR(read_quant(&quant));
  uint64_t offset = 0, size = 0;
  RETURN_IF_ERROR(cur_.read(&offset));
  RETURN_IF_ERROR(cur_.read(&size));
  const uint64_t bytes = static_cast<uint64_t>(n.value()) * dtype_size(dtype);  // n <= 2^40: no overflow
  if (size != bytes) {
    return invalid_model("data size " + to_string(size) + " bytes, but a " + dtype_name(dtype) + " " +
                         shape_to_string(shape) + " tensor has " + to_string(bytes));
  }
  if (!fits(offset, size, data_begin_, data_end_)) {
    return invalid_model("data " + range_text(offset, size) + " is not inside the data section " +
                         range_text(data_begin_, data_end_ - data_begin_) + " of the " + to_string(size_) + "-byte file");
  }
  if (data_end_ - offset - size < edgr::kTailPadding) {
    return invalid_model("data " + range_text(offset, size) + " leaves fewer than " + to_string(edgr::kTailPadding) +
                         " bytes of padding before the end of the data section at " + to_string(data_end_));
  }
  if (offset % edgr::kDataAlignment != 0) return invalid_model("data offset " + to_string(offset) + " is not aligned");
  // Kernels never write constants: the const bytes are only ever read through this pointer.
  *t = Tensor::borrow(dtype, shape, const_cast<uint8_t*>(data_ + offset));
  t->quant() = std::move(quant);
  return Status::Ok();
}

Status EdgrReader::read_value(Graph& g, ValueId id) {
  std::string name;
  RETURN_IF_ERROR(cur_.string(&name).with_context("value " + to_string(id)));
  const std::string what = "value " + to_string(id) + " '" + name + "'";
  const ValueId named = g.value_id(name);
  if (named != id) return invalid_model(what + ": the name of value " + to_string(named) + " too");
  return read_value_body(g.value(id)).with_context(what);
}

Status EdgrReader::read_value_body(Value& v) {
  RETURN_IF_ERROR(read_dtype(&v.dtype));
  uint8_t flags = 0;
  RETURN_IF_ERROR(cur_.read(&flags));
  if (flags > 3) return invalid_model("unknown flags " + to_string(flags));
  v.has_shape = (flags & 1) != 0;
  if (v.has_shape) {
    uint32_t rank = 0;
    RETURN_IF_ERROR(cur_.count(edgr::kMaxRank, kMinDimBytes, "dims", &rank));
    v.shape.resize(rank);
    for (SymDim& d : v.shape) {
      RETURN_IF_ERROR(cur_.read(&d.size));
      if (d.size < -1) return invalid_model("dim size " + to_string(d.size));
      RETURN_IF_ERROR(cur_.string(&d.symbol));
    }
  }
  RETURN_IF_ERROR(read_quant(&v.quant));
  if ((flags & 2) == 0) return Status::Ok();
  Tensor t;
  RETURN_IF_ERROR(read_tensor(&t));
  if (t.dtype() != v.dtype) {
    return invalid_model(std::string("constant of type ") + dtype_name(t.dtype()) + " in a value of type " +
                         dtype_name(v.dtype));
  }
  if (v.has_shape) {
    bool same = v.shape.size() == t.shape().size();
    for (size_t i = 0; same && i < v.shape.size(); ++i) same = v.shape[i].size == t.shape()[i];
    if (!same) {
      return invalid_model("constant of shape " + shape_to_string(t.shape()) + " in a value of shape " +
                           sym_shape_to_string(v.shape));
    }
  }
  v.constant = std::move(t);
  return Status::Ok();
}

Status EdgrReader::read_ids(const char* what, size_t num_values, bool allow_none, std::vector<ValueId>* ids) {
  uint32_t n = 0;
  RETURN_IF_ERROR(cur_.count(edgr::kMaxNodeIo, 4, what, &n));
  ids->resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    int32_t id = 0;
    RETURN_IF_ERROR(cur_.read(&id));
    if ((id != kNoValue || !allow_none) && (id < 0 || static_cast<size_t>(id) >= num_values)) {
      return invalid_model(std::string(what) + " " + to_string(i) + ": value id " + to_string(id) +
                           " out of range (the file has " + to_string(num_values) + " values)");
    }
    (*ids)[i] = id;
  }
  return Status::Ok();
}

Status EdgrReader::read_attribute(Attributes* attrs) {
  std::string name;
  RETURN_IF_ERROR(cur_.string(&name).with_context("an attribute"));
  Status st = [&]() -> Status {
    uint8_t kind = 0;
    RETURN_IF_ERROR(cur_.read(&kind));
    if (kind > static_cast<uint8_t>(Attribute::Kind::kStrings)) return invalid_model("unknown kind " + to_string(kind));
    if (attrs->has(name)) return invalid_model("given twice");
    Attribute a;
    a.kind = static_cast<Attribute::Kind>(kind);
    uint32_t n = 0;
    switch (a.kind) {
      case Attribute::Kind::kFloat: RETURN_IF_ERROR(cur_.read(&a.f)); break;
      case Attribute::Kind::kInt: RETURN_IF_ERROR(cur_.read(&a.i)); break;
      case Attribute::Kind::kString: RETURN_IF_ERROR(cur_.string(&a.s)); break;
      case Attribute::Kind::kTensor: RETURN_IF_ERROR(read_tensor(&a.t)); break;
      case Attribute::Kind::kFloats:
        RETURN_IF_ERROR(cur_.count(edgr::kMaxListElements, 4, "floats", &n));
        a.floats.resize(n);
        for (float& f : a.floats) RETURN_IF_ERROR(cur_.read(&f));
        break;
      case Attribute::Kind::kInts:
        RETURN_IF_ERROR(cur_.count(edgr::kMaxListElements, 8, "ints", &n));
        a.ints.resize(n);
        for (int64_t& i : a.ints) RETURN_IF_ERROR(cur_.read(&i));
        break;
      case Attribute::Kind::kStrings:
        RETURN_IF_ERROR(cur_.count(edgr::kMaxListElements, 4, "strings", &n));
        a.strings.resize(n);
        for (std::string& s : a.strings) RETURN_IF_ERROR(cur_.string(&s));
        break;
    }
    attrs->set(name, std::move(a));
    return Status::Ok();
  }();
  return st.with_context("attribute '" + name + "'");
}

Status EdgrReader::read_node(Graph& g, size_t index) {
  Node& node = g.nodes[index];
  std::string op;
  Status st = cur_.string(&node.name);
  if (st.ok()) st = cur_.string(&node.op_type);
  if (st.ok()) st = cur_.string(&op);
  RETURN_IF_ERROR(st.with_context("node " + to_string(index)));
  const std::string what = "node " + to_string(index) + " '" + node.name + "' (" + node.op_type + ")";
  const std::optional<OpType> type = find_op(op);
  if (!type) return unsupported(what + ": unknown op '" + op + "'");
  node.op = *type;
  st = cur_.read(&node.opset);
  if (st.ok()) st = read_ids("input", g.values.size(), true, &node.inputs);
  if (st.ok()) st = read_ids("output", g.values.size(), true, &node.outputs);
  uint32_t num_attrs = 0;
  if (st.ok()) st = cur_.count(edgr::kMaxAttributes, kMinAttributeBytes, "attributes", &num_attrs);
  for (uint32_t a = 0; st.ok() && a < num_attrs; ++a) st = read_attribute(&node.attrs);
  return st.with_context(what);
}

// Nodes must come in execution order: each input a constant, a graph input or an earlier node's
// output; each value produced once.
Status EdgrReader::check_order(const Graph& g) {
  std::vector<bool> ready(g.values.size(), false);
  for (size_t v = 0; v < g.values.size(); ++v) ready[v] = g.values[v].constant.has_value();
  for (ValueId id : g.inputs) {
    const Value& v = g.value(id);
    if (ready[static_cast<size_t>(id)]) return invalid_model("graph input '" + v.name + "' is a constant or listed twice");
    ready[static_cast<size_t>(id)] = true;
  }
  for (const Node& node : g.nodes) {
    for (ValueId in : node.inputs) {
      if (in != kNoValue && !ready[static_cast<size_t>(in)]) {
        return invalid_model(node.describe() + ": input '" + g.value(in).name + "' is read before any node produces it");
      }
    }
    for (ValueId out : node.outputs) {
      if (out == kNoValue) continue;
      if (ready[static_cast<size_t>(out)]) {
        return invalid_model(node.describe() + ": output '" + g.value(out).name +
                             "' is a constant, a graph input or produced before");
      }
      ready[static_cast<size_t>(out)] = true;
    }
  }
  for (ValueId id : g.outputs) {
    if (!ready[static_cast<size_t>(id)]) return invalid_model("graph output '" + g.value(id).name + "' is never produced");
  }
  return Status::Ok();
}

Result<Graph> EdgrReader::read() {
  RETURN_IF_ERROR(read_header());
  Graph g;
  RETURN_IF_ERROR(cur_.string(&g.name).with_context("graph name"));
  uint32_t n = 0;
  RETURN_IF_ERROR(cur_.count(edgr::kMaxOpsets, kMinOpsetBytes, "opsets", &n));
  for (uint32_t i = 0; i < n; ++i) {
    std::string domain;
    int64_t version = 0;
    RETURN_IF_ERROR(cur_.string(&domain));
    RETURN_IF_ERROR(cur_.read(&version));
    if (!g.opsets.emplace(domain, version).second) return invalid_model("opset domain '" + domain + "' given twice");
  }
  RETURN_IF_ERROR(cur_.count(edgr::kMaxValues, kMinValueBytes, "values", &n));
  g.values.reserve(n);
  for (uint32_t v = 0; v < n; ++v) RETURN_IF_ERROR(read_value(g, static_cast<ValueId>(v)));
  RETURN_IF_ERROR(cur_.count(edgr::kMaxNodes, kMinNodeBytes, "nodes", &n));
  g.nodes.resize(n);
  for (size_t i = 0; i < g.nodes.size(); ++i) RETURN_IF_ERROR(read_node(g, i));
  RETURN_IF_ERROR(read_ids("graph input", g.values.size(), false, &g.inputs));
  RETURN_IF_ERROR(read_ids("graph output", g.values.size(), false, &g.outputs));
  if (cur_.pos() != cur_.end()) {
    return invalid_model(to_string(cur_.end() - cur_.pos()) + " metadata bytes left after the graph outputs");
  }
  RETURN_IF_ERROR(check_order(g));
  return g;
}

}  // namespace

Result<Graph> read_edgr(const uint8_t* data, size_t size) {
  Result<Graph> g = EdgrReader(data, size).read();
  if (!g.ok()) return g.status().with_context("edgr");
  return g;
}

}  // namespace edgerun
