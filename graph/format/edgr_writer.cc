#include "graph/format/edgr_writer.h"

#include <cstring>

#include "graph/format/edgr_format.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the .edgr writer stores host integers as little-endian");

namespace edgerun {

namespace {

size_t align_up(size_t n, size_t alignment) { return (n + alignment - 1) / alignment * alignment; }

class EdgrWriter {
 public:
  Result<std::vector<uint8_t>> write(const Graph& graph);

 private:
  template <typename T>
  void put(T v) {
    const size_t at = meta_.size();
    meta_.resize(at + sizeof(T));
    std::memcpy(meta_.data() + at, &v, sizeof(T));
  }
  Status put_count(size_t n, uint32_t cap, const std::string& what);
  Status put_string(const std::string& s, const std::string& what);
  Status put_ids(const std::vector<ValueId>& ids, const std::string& what);
  Status put_quant(const QuantParams& q, const std::string& what);
  Status put_tensor(const Tensor& t, const std::string& what);
  Status put_attribute(const std::string& name, const Attribute& a, const std::string& what);
  ValueId mapped(ValueId id) const { return id == kNoValue ? kNoValue : new_id_[static_cast<size_t>(id)]; }

  std::vector<uint8_t> meta_;
  std::vector<ValueId> new_id_;  // old value id -> id in the file (kNoValue: left out)
  struct Blob {
    const void* data;
    size_t size;
    size_t offset;     // in the data section
    size_t meta_slot;  // where its u64 file offset goes in meta_
  };
  std::vector<Blob> blobs_;
  size_t data_cursor_ = 0;
};

Status EdgrWriter::put_count(size_t n, uint32_t cap, const std::string& what) {
  if (n > cap) return out_of_range("edgr: " + what + ": " + std::to_string(n) + " is past the format's cap of " + std::to_string(cap));
  put<uint32_t>(static_cast<uint32_t>(n));
  return Status::Ok();
}

Status EdgrWriter::put_string(const std::string& s, const std::string& what) {
  RETURN_IF_ERROR(put_count(s.size(), edgr::kMaxStringBytes, what + " (string bytes)"));
  meta_.insert(meta_.end(), s.begin(), s.end());
  return Status::Ok();
}

Status EdgrWriter::put_ids(const std::vector<ValueId>& ids, const std::string& what) {
  RETURN_IF_ERROR(put_count(ids.size(), edgr::kMaxNodeIo, what));
  for (ValueId id : ids) put<int32_t>(mapped(id));
  return Status::Ok();
}

Status EdgrWriter::put_quant(const QuantParams& q, const std::string& what) {
  RETURN_IF_ERROR(put_count(q.scale.size(), edgr::kMaxListElements, what + " quant scales"));
  for (float s : q.scale) put<float>(s);
  RETURN_IF_ERROR(put_count(q.zero_point.size(), edgr::kMaxListElements, what + " quant zero points"));
  for (int32_t z : q.zero_point) put<int32_t>(z);
  put<int64_t>(q.axis);
  return Status::Ok();
}

Status EdgrWriter::put_tensor(const Tensor& t, const std::string& what) {
  if (!dtype_is_supported(t.dtype())) {
    return unsupported("edgr: " + what + ": a tensor of type " + dtype_name(t.dtype()) + " cannot be stored");
  }
  put<int32_t>(static_cast<int32_t>(t.dtype()));
  RETURN_IF_ERROR(put_count(t.shape().size(), edgr::kMaxRank, what + " rank"));
  for (int64_t d : t.shape()) put<int64_t>(d);
  RETURN_IF_ERROR(put_quant(t.quant(), what));
  const size_t offset = align_up(data_cursor_, edgr::kDataAlignment);
  blobs_.push_back({t.raw_data(), t.byte_size(), offset, meta_.size()});
  data_cursor_ = offset + t.byte_size();
  put<uint64_t>(0);  // the file offset, patched once the data section's place is known
  put<uint64_t>(t.byte_size());
  return Status::Ok();
}

Status EdgrWriter::put_attribute(const std::string& name, const Attribute& a, const std::string& what) {
  const std::string where = what + " attribute '" + name + "'";
  RETURN_IF_ERROR(put_string(name, where));
  put<uint8_t>(static_cast<uint8_t>(a.kind));
  switch (a.kind) {
    case Attribute::Kind::kFloat: put<float>(a.f); break;
    case Attribute::Kind::kInt: put<int64_t>(a.i); break;
    case Attribute::Kind::kString: return put_string(a.s, where);
    case Attribute::Kind::kTensor: return put_tensor(a.t, where);
    case Attribute::Kind::kFloats:
      RETURN_IF_ERROR(put_count(a.floats.size(), edgr::kMaxListElements, where));
      for (float f : a.floats) put<float>(f);
      break;
    case Attribute::Kind::kInts:
      RETURN_IF_ERROR(put_count(a.ints.size(), edgr::kMaxListElements, where));
      for (int64_t i : a.ints) put<int64_t>(i);
      break;
    case Attribute::Kind::kStrings:
      RETURN_IF_ERROR(put_count(a.strings.size(), edgr::kMaxListElements, where));
      for (const std::string& s : a.strings) RETURN_IF_ERROR(put_string(s, where));
      break;
  }
  return Status::Ok();
}

Result<std::vector<uint8_t>> EdgrWriter::write(const Graph& graph) {
  // Keep only the values something refers to, in their order.
  std::vector<bool> used(graph.values.size(), false);
  for (const Node& node : graph.nodes) {
    for (ValueId id : node.inputs) if (id != kNoValue) used[static_cast<size_t>(id)] = true;
    for (ValueId id : node.outputs) if (id != kNoValue) used[static_cast<size_t>(id)] = true;
  }
  for (ValueId id : graph.inputs) used[static_cast<size_t>(id)] = true;
  for (ValueId id : graph.outputs) used[static_cast<size_t>(id)] = true;
  new_id_.assign(graph.values.size(), kNoValue);
  ValueId next = 0;
  for (size_t v = 0; v < used.size(); ++v) if (used[v]) new_id_[v] = next++;

  RETURN_IF_ERROR(put_string(graph.name, "graph name"));
  RETURN_IF_ERROR(put_count(graph.opsets.size(), edgr::kMaxOpsets, "opsets"));
  for (const auto& [domain, version] : graph.opsets) {
    RETURN_IF_ERROR(put_string(domain, "opset domain"));
    put<int64_t>(version);
  }
  RETURN_IF_ERROR(put_count(static_cast<size_t>(next), edgr::kMaxValues, "values"));
  for (size_t v = 0; v < graph.values.size(); ++v) {
    if (!used[v]) continue;
    const Value& value = graph.values[v];
    const std::string what = "value '" + value.name + "'";
    RETURN_IF_ERROR(put_string(value.name, what));
    put<int32_t>(static_cast<int32_t>(value.dtype));
    put<uint8_t>(static_cast<uint8_t>((value.has_shape ? 1 : 0) | (value.constant ? 2 : 0)));
    if (value.has_shape) {
      RETURN_IF_ERROR(put_count(value.shape.size(), edgr::kMaxRank, what + " rank"));
      for (const SymDim& d : value.shape) {
        put<int64_t>(d.known() ? d.size : -1);
        RETURN_IF_ERROR(put_string(d.symbol, what + " dim symbol"));
      }
    }
    RETURN_IF_ERROR(put_quant(value.quant, what));
    if (value.constant) RETURN_IF_ERROR(put_tensor(*value.constant, what));
  }
  RETURN_IF_ERROR(put_count(graph.nodes.size(), edgr::kMaxNodes, "nodes"));
  for (const Node& node : graph.nodes) {
    const std::string what = node.describe();
    RETURN_IF_ERROR(put_string(node.name, what));
    RETURN_IF_ERROR(put_string(node.op_type, what));
    if (node.op == OpType::kUnknown) return unsupported("edgr: " + what + ": not an edgerun op");
    RETURN_IF_ERROR(put_string(op_name(node.op), what));
    put<int32_t>(node.opset);
    RETURN_IF_ERROR(put_ids(node.inputs, what + " inputs"));
    RETURN_IF_ERROR(put_ids(node.outputs, what + " outputs"));
    RETURN_IF_ERROR(put_count(node.attrs.all().size(), edgr::kMaxAttributes, what + " attributes"));
    for (const auto& [name, attr] : node.attrs.all()) RETURN_IF_ERROR(put_attribute(name, attr, what));
  }
  RETURN_IF_ERROR(put_ids(graph.inputs, "graph inputs"));
  RETURN_IF_ERROR(put_ids(graph.outputs, "graph outputs"));

  const size_t data_offset = align_up(edgr::kHeaderSize + meta_.size(), edgr::kDataAlignment);
  const size_t data_size = align_up(data_cursor_ + edgr::kTailPadding, edgr::kDataAlignment);
  for (const Blob& b : blobs_) {
    const uint64_t at = data_offset + b.offset;
    std::memcpy(meta_.data() + b.meta_slot, &at, sizeof(at));
  }
  std::vector<uint8_t> file(data_offset + data_size, 0);
  uint8_t* h = file.data();
  std::memcpy(h, edgr::kMagic, 4);
  const uint16_t version[2] = {edgr::kMajorVersion, edgr::kMinorVersion};
  std::memcpy(h + 4, version, sizeof(version));
  const uint64_t fields[5] = {file.size(), edgr::kHeaderSize, meta_.size(), data_offset, data_size};
  std::memcpy(h + 8, fields, sizeof(fields));
  std::memcpy(h + edgr::kHeaderSize, meta_.data(), meta_.size());
  for (const Blob& b : blobs_) {
    if (b.size > 0) std::memcpy(h + data_offset + b.offset, b.data, b.size);
  }
  return file;
}

}  // namespace

Result<std::vector<uint8_t>> write_edgr(const Graph& graph) { return EdgrWriter().write(graph); }

}  // namespace edgerun
