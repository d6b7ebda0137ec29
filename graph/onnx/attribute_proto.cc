#include "graph/onnx/attribute_proto.h"

#include <optional>

#include "graph/onnx/tensor_proto.h"

namespace edgerun::onnx {

namespace {

// AttributeProto.AttributeType, the field that carries each kind's value, and our kind (if supported).
struct KindInfo {
  int32_t type;
  uint32_t field;
  const char* name;
  std::optional<Attribute::Kind> kind;
};

constexpr KindInfo kKinds[] = {
    {1, 2, "FLOAT", Attribute::Kind::kFloat},
    {2, 3, "INT", Attribute::Kind::kInt},
    {3, 4, "STRING", Attribute::Kind::kString},
    {4, 5, "TENSOR", Attribute::Kind::kTensor},
    {5, 6, "GRAPH", std::nullopt},
    {6, 7, "FLOATS", Attribute::Kind::kFloats},
    {7, 8, "INTS", Attribute::Kind::kInts},
    {8, 9, "STRINGS", Attribute::Kind::kStrings},
    {9, 10, "TENSORS", std::nullopt},
    {10, 11, "GRAPHS", std::nullopt},
    {11, 22, "SPARSE_TENSOR", std::nullopt},
    {12, 23, "SPARSE_TENSORS", std::nullopt},
    {13, 14, "TYPE_PROTO", std::nullopt},
    {14, 15, "TYPE_PROTOS", std::nullopt},
};

const KindInfo* kind_by_type(int32_t type) {
  for (const KindInfo& k : kKinds) {
    if (k.type == type) return &k;
  }
  return nullptr;
}

const KindInfo* kind_by_field(uint32_t field) {
  for (const KindInfo& k : kKinds) {
    if (k.field == field) return &k;
  }
  return nullptr;
}

uint32_t bit(uint32_t field) { return uint32_t{1} << field; }

}  // namespace

Status decode_attribute_proto(pb::Reader& r, const std::string& external_data_dir, std::string* name, Attribute* attr) {
  Attribute a;
  int32_t type = 0;
  std::string ref_attr_name;
  uint32_t present = 0;  // bit per value field number seen (all are < 32)
  pb::Field tensor_field;
  while (!r.at_end()) {
    pb::Field f;
    RETURN_IF_ERROR(r.next(&f));
    if (kind_by_field(f.number)) present |= bit(f.number);
    switch (f.number) {
      case 1: {
        ASSIGN_OR_RETURN(*name, r.read_string(f, "name"));
        break;
      }
      case 20: {
        ASSIGN_OR_RETURN(type, r.read_int32(f, "type"));
        break;
      }
      case 21: {
        ASSIGN_OR_RETURN(ref_attr_name, r.read_string(f, "ref_attr_name"));
        break;
      }
      case 2: {
        ASSIGN_OR_RETURN(a.f, r.read_float(f, "f"));
        break;
      }
      case 3: {
        ASSIGN_OR_RETURN(a.i, r.read_int64(f, "i"));
        break;
      }
      case 4: {
        ASSIGN_OR_RETURN(a.s, r.read_string(f, "s"));
        break;
      }
      case 5: tensor_field = f; break;
      case 7: RETURN_IF_ERROR(r.append_floats(f, "floats", &a.floats)); break;
      case 8: RETURN_IF_ERROR(r.append_int64s(f, "ints", &a.ints)); break;
      case 9: {
        ASSIGN_OR_RETURN(std::string s, r.read_string(f, "strings"));
        a.strings.push_back(std::move(s));
        break;
      }
      default: break;  // doc_string, and the values of unsupported kinds (reported below)
    }
  }
  if (name->empty()) return r.error(nullptr, "attribute without a name");
  const std::string what = "attribute '" + *name + "'";
  if (!ref_attr_name.empty()) {
    return unsupported(what + " refers to function attribute '" + ref_attr_name + "'");
  }

  const KindInfo* kind = nullptr;
  if (type != 0) {
    kind = kind_by_type(type);
    if (!kind) return invalid_model(what + " has invalid type " + std::to_string(type));
  } else {  // models from before the type field: the value field present tells the kind
    for (const KindInfo& k : kKinds) {
      if (!(present & bit(k.field))) continue;
      if (kind) return invalid_model(what + " has no type and values of kinds " + kind->name + " and " + k.name);
      kind = &k;
    }
    if (!kind) return invalid_model(what + " has no type and no value");
  }
  for (const KindInfo& k : kKinds) {
    if (&k != kind && (present & bit(k.field))) {
      return invalid_model(what + " of type " + kind->name + " also carries a " + k.name + " value");
    }
  }
  if (!kind->kind) return unsupported(what + " of type " + kind->name + " is not supported");
  a.kind = *kind->kind;

  if (a.kind == Attribute::Kind::kTensor) {
    if (!(present & bit(5))) return invalid_model(what + " of type TENSOR has no tensor");
    ASSIGN_OR_RETURN(pb::Reader tr, r.message(tensor_field, "t"));
    std::string tensor_name;
    Result<Tensor> t = decode_tensor_proto(tr, external_data_dir, &tensor_name);
    if (!t.ok()) return t.status().with_context(what);
    a.t = std::move(t).value();
  }
  *attr = std::move(a);
  return Status::Ok();
}

}  // namespace edgerun::onnx
