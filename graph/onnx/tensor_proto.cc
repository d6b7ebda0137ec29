#include "graph/onnx/tensor_proto.h"

#include <cstring>
#include <optional>
#include <type_traits>
#include <vector>

#include "graph/onnx/external_data.h"

namespace edgerun::onnx {

namespace {

// TensorProto field numbers.
enum : uint32_t {
  kDims = 1,
  kDataType = 2,
  kSegment = 3,
  kFloatData = 4,
  kInt32Data = 5,
  kStringData = 6,
  kInt64Data = 7,
  kName = 8,
  kRawData = 9,
  kDoubleData = 10,
  kUint64Data = 11,
  kExternalData = 13,
  kDataLocation = 14,
};

const char* onnx_only_type_name(int64_t t) {
  switch (t) {
    case 14: return "complex64";
    case 15: return "complex128";
    case 16: return "bfloat16";
    case 17: return "float8e4m3fn";
    case 18: return "float8e4m3fnuz";
    case 19: return "float8e5m2";
    case 20: return "float8e5m2fnuz";
    case 21: return "uint4";
    case 22: return "int4";
    default: return "unknown";
  }
}

const char* typed_field_name(uint32_t number) {
  switch (number) {
    case kFloatData: return "float_data";
    case kInt32Data: return "int32_data";
    case kInt64Data: return "int64_data";
    case kDoubleData: return "double_data";
    case kUint64Data: return "uint64_data";
    default: return "?";
  }
}

pb::WireType typed_field_element(uint32_t number) {
  switch (number) {
    case kFloatData: return pb::WireType::kFixed32;
    case kDoubleData: return pb::WireType::kFixed64;
    default: return pb::WireType::kVarint;
  }
}

// Which typed field ONNX stores each element type in.
uint32_t typed_field_for(DType t) {
  switch (t) {
    case DType::kF32: return kFloatData;
    case DType::kI32:
    case DType::kI16:
    case DType::kI8:
    case DType::kU16:
    case DType::kU8:
    case DType::kBool:
    case DType::kF16: return kInt32Data;
    case DType::kI64: return kInt64Data;
    case DType::kF64: return kDoubleData;
    case DType::kU32:
    case DType::kU64: return kUint64Data;
    default: return 0;
  }
}

struct TensorFields {
  std::string name;
  std::vector<int64_t> dims;
  int32_t data_type = 0;
  bool has_raw = false;
  const uint8_t* raw = nullptr;
  size_t raw_size = 0;
  uint32_t typed_number = 0;     // the typed data field in use, 0 if none
  std::vector<pb::Field> typed;  // its occurrences (packed runs or single elements)
  bool has_strings = false;
  bool has_segment = false;
  int32_t data_location = 0;
  std::optional<std::string> location, offset, length;
};

Status parse_external_entry(pb::Reader& e, TensorFields* t) {
  std::string key, value;
  while (!e.at_end()) {
    pb::Field f;
    RETURN_IF_ERROR(e.next(&f));
    if (f.number == 1) {
      ASSIGN_OR_RETURN(key, e.read_string(f, "key"));
    } else if (f.number == 2) {
      ASSIGN_OR_RETURN(value, e.read_string(f, "value"));
    }
  }
  if (key == "location") t->location = value;
  if (key == "offset") t->offset = value;
  if (key == "length") t->length = value;
  return Status::Ok();  // other keys (checksum) are advisory
}

Status parse_fields(pb::Reader& r, TensorFields* t) {
  int64_t external_index = 0;
  while (!r.at_end()) {
    pb::Field f;
    RETURN_IF_ERROR(r.next(&f));
    switch (f.number) {
      case kDims: RETURN_IF_ERROR(r.append_int64s(f, "dims", &t->dims)); break;
      case kDataType: {
        ASSIGN_OR_RETURN(t->data_type, r.read_int32(f, "data_type"));
        break;
      }
      case kSegment: t->has_segment = true; break;
      case kFloatData:
      case kInt32Data:
      case kInt64Data:
      case kDoubleData:
      case kUint64Data:
        if (t->typed_number != 0 && t->typed_number != f.number) {
          return r.error(typed_field_name(f.number),
                         std::string("data also given in ") + typed_field_name(t->typed_number));
        }
        t->typed_number = f.number;
        t->typed.push_back(f);
        break;
      case kStringData: t->has_strings = true; break;
      case kName: {
        ASSIGN_OR_RETURN(t->name, r.read_string(f, "name"));
        break;
      }
      case kRawData:
        RETURN_IF_ERROR(r.read_bytes(f, "raw_data", &t->raw, &t->raw_size));
        t->has_raw = true;
        break;
      case kExternalData: {
        ASSIGN_OR_RETURN(pb::Reader e, r.message(f, "external_data", external_index++));
        RETURN_IF_ERROR(parse_external_entry(e, t));
        break;
      }
      case kDataLocation: {
        ASSIGN_OR_RETURN(t->data_location, r.read_int32(f, "data_location"));
        break;
      }
      default: break;
    }
  }
  return Status::Ok();
}

template <typename Dst, typename Src>
void convert_into(const std::vector<Src>& src, Tensor* t) {
  Dst* dst = t->data<Dst>();
  for (size_t i = 0; i < src.size(); ++i) {
    if constexpr (std::is_same_v<Dst, bool>) {
      dst[i] = src[i] != 0;
    } else {
      dst[i] = static_cast<Dst>(src[i]);
    }
  }
}

// Fills `t` from the typed field occurrences; their total element count was checked already.
Status fill_from_typed(const pb::Reader& r, const TensorFields& tf, Tensor* t) {
  const char* field = typed_field_name(tf.typed_number);
  switch (tf.typed_number) {
    case kFloatData: {
      std::vector<float> v;
      for (const pb::Field& f : tf.typed) RETURN_IF_ERROR(r.append_floats(f, field, &v));
      convert_into<float>(v, t);
      return Status::Ok();
    }
    case kDoubleData: {
      std::vector<double> v;
      for (const pb::Field& f : tf.typed) RETURN_IF_ERROR(r.append_doubles(f, field, &v));
      convert_into<double>(v, t);
      return Status::Ok();
    }
    case kInt64Data: {
      std::vector<int64_t> v;
      for (const pb::Field& f : tf.typed) RETURN_IF_ERROR(r.append_int64s(f, field, &v));
      convert_into<int64_t>(v, t);
      return Status::Ok();
    }
    case kUint64Data: {
      std::vector<uint64_t> v;
      for (const pb::Field& f : tf.typed) RETURN_IF_ERROR(r.append_uint64s(f, field, &v));
      if (t->dtype() == DType::kU32) {
        convert_into<uint32_t>(v, t);
      } else {
        convert_into<uint64_t>(v, t);
      }
      return Status::Ok();
    }
    case kInt32Data: {
      std::vector<int32_t> v;
      for (const pb::Field& f : tf.typed) RETURN_IF_ERROR(r.append_int32s(f, field, &v));
      switch (t->dtype()) {
        // ONNX stores narrow integers, bool and f16 bit patterns widened to int32; narrowing wraps as in
        // the ONNX reference (numpy astype).
        case DType::kI32: convert_into<int32_t>(v, t); break;
        case DType::kI16: convert_into<int16_t>(v, t); break;
        case DType::kI8: convert_into<int8_t>(v, t); break;
        case DType::kU16:
        case DType::kF16: convert_into<uint16_t>(v, t); break;
        case DType::kU8: convert_into<uint8_t>(v, t); break;
        case DType::kBool: convert_into<bool>(v, t); break;
        default: return internal_error("int32_data for " + std::string(dtype_name(t->dtype())));
      }
      return Status::Ok();
    }
    default: return internal_error("unknown typed field");
  }
}

std::string size_mismatch(const std::string& what, const std::string& source, uint64_t have, const char* unit,
                          DType dtype, const Shape& shape, uint64_t need) {
  return what + ": " + source + " holds " + std::to_string(have) + " " + unit + ", but a " + dtype_name(dtype) +
         " tensor of shape " + shape_to_string(shape) + " needs " + std::to_string(need);
}

}  // namespace

Result<DType> dtype_from_onnx(int64_t onnx_type, const std::string& what) {
  if (onnx_type >= 0 && onnx_type <= static_cast<int64_t>(DType::kU64)) return static_cast<DType>(onnx_type);
  if (onnx_type > static_cast<int64_t>(DType::kU64)) {
    return unsupported(what + ": element type " + std::to_string(onnx_type) + " (" + onnx_only_type_name(onnx_type) +
                       ") is not supported");
  }
  return invalid_model(what + ": invalid element type " + std::to_string(onnx_type));
}

Result<Tensor> decode_tensor_proto(pb::Reader& r, const std::string& external_data_dir, std::string* name) {
  TensorFields tf;
  RETURN_IF_ERROR(parse_fields(r, &tf));
  *name = tf.name;
  const std::string what = tf.name.empty() ? "tensor at " + r.path() : "tensor '" + tf.name + "'";

  ASSIGN_OR_RETURN(const DType dtype, dtype_from_onnx(tf.data_type, what));
  if (dtype == DType::kUndefined) return invalid_model(what + ": no data_type");
  if (dtype == DType::kString) return unsupported(what + ": string tensors are not supported");
  if (tf.has_segment) return unsupported(what + ": segmented tensors are not supported");
  const Shape shape(tf.dims.begin(), tf.dims.end());
  for (int64_t d : shape) {
    if (d < 0) return invalid_model(what + ": negative dim " + std::to_string(d));
  }
  Result<int64_t> count = checked_num_elements(shape);
  if (!count.ok()) return count.status().with_context(what);
  const auto n = static_cast<uint64_t>(count.value());
  const uint64_t bytes = n * dtype_size(dtype);

  if (tf.data_location != 0 && tf.data_location != 1) {
    return invalid_model(what + ": invalid data_location " + std::to_string(tf.data_location));
  }
  const bool external = tf.data_location == 1;
  const bool typed = tf.typed_number != 0;
  if (int(tf.has_raw) + int(typed) + int(external) + int(tf.has_strings) > 1) {
    return invalid_model(what +
                         ": data given in more than one of raw_data, typed fields, string_data and "
                         "external data");
  }
  if (tf.has_strings) return invalid_model(what + ": string_data in a " + dtype_name(dtype) + " tensor");

  if (external) {
    if (!tf.location) return invalid_model(what + ": external data without a location");
    Result<ExternalRange> range = resolve_external_data(external_data_dir, *tf.location, tf.offset, tf.length);
    if (!range.ok()) return range.status().with_context(what);
    if (range->length != bytes) {
      return invalid_model(size_mismatch(what, "external data", range->length, "bytes", dtype, shape, bytes));
    }
    ASSIGN_OR_RETURN(Tensor t, Tensor::allocate(dtype, shape));
    Status st = read_external_range(range.value(), t.raw_data());
    if (!st.ok()) return st.with_context(what);
    if (dtype == DType::kBool) {  // any nonzero byte is true; a bool must hold 0 or 1
      auto* p = static_cast<uint8_t*>(t.raw_data());
      for (uint64_t i = 0; i < n; ++i) p[i] = p[i] != 0;
    }
    return t;
  }
  if (tf.has_raw) {
    if (tf.raw_size != bytes) {
      return invalid_model(size_mismatch(what, "raw_data", tf.raw_size, "bytes", dtype, shape, bytes));
    }
    ASSIGN_OR_RETURN(Tensor t, Tensor::allocate(dtype, shape));
    auto* p = static_cast<uint8_t*>(t.raw_data());
    if (bytes > 0) std::memcpy(p, tf.raw, bytes);
    if (dtype == DType::kBool) {
      for (uint64_t i = 0; i < n; ++i) p[i] = p[i] != 0;
    }
    return t;
  }
  if (typed) {
    const char* field = typed_field_name(tf.typed_number);
    if (typed_field_for(dtype) != tf.typed_number) {
      return invalid_model(what + ": " + field + " cannot hold a " + dtype_name(dtype) + " tensor");
    }
    uint64_t have = 0;
    for (const pb::Field& f : tf.typed) {
      ASSIGN_OR_RETURN(size_t k, r.count_elements(f, field, typed_field_element(tf.typed_number)));
      have += k;
    }
    if (have != n) return invalid_model(size_mismatch(what, field, have, "values", dtype, shape, n));
    ASSIGN_OR_RETURN(Tensor t, Tensor::allocate(dtype, shape));
    RETURN_IF_ERROR(fill_from_typed(r, tf, &t));
    return t;
  }
  if (n != 0) {
    return invalid_model(what + ": no data for shape " + shape_to_string(shape) + " (" + std::to_string(n) +
                         " elements)");
  }
  return Tensor::allocate(dtype, shape);
}

}  // namespace edgerun::onnx
