#include "tools/serve/kserve_codec.h"

#include <charconv>
#include <cstring>
#include <limits>
#include <utility>

namespace edgerun::serve {
namespace {

using nlohmann::json;

// Nested `data` arrays deeper than this are refused (a rank-32 tensor is already absurd).
constexpr int kMaxDataDepth = 32;

struct DatatypeName {
  DType dtype;
  const char* name;
};
constexpr DatatypeName kDatatypes[] = {{DType::kF32, "FP32"},   {DType::kU8, "UINT8"},   {DType::kI8, "INT8"},
                                       {DType::kI32, "INT32"}, {DType::kI64, "INT64"}, {DType::kBool, "BOOL"}};

// ---- JSON data <-> elements ----

template <typename T>
void append_elements(const Tensor& t, json* data) {
  const T* p = t.data<T>();
  for (int64_t i = 0; i < t.num_elements(); ++i) data->push_back(p[i]);
}

json data_array(const Tensor& t) {
  json data = json::array();
  switch (t.dtype()) {
    case DType::kF32: append_elements<float>(t, &data); break;
    case DType::kU8: append_elements<uint8_t>(t, &data); break;
    case DType::kI8: append_elements<int8_t>(t, &data); break;
    case DType::kI32: append_elements<int32_t>(t, &data); break;
    case DType::kI64: append_elements<int64_t>(t, &data); break;
    case DType::kBool: append_elements<bool>(t, &data); break;
    default: break;  // encode_tensor refused the type already
  }
  return data;
}

// Leaves of a (possibly nested) data array; error past kMaxDataDepth.
Status count_leaves(const json& j, int depth, int64_t* count) {
  if (!j.is_array()) {
    ++*count;
    return Status::Ok();
  }
  if (depth >= kMaxDataDepth) return invalid_argument("data nested deeper than " + std::to_string(kMaxDataDepth));
  for (const json& e : j) RETURN_IF_ERROR(count_leaves(e, depth + 1, count));
  return Status::Ok();
}

template <typename T>
Status store_integer(const json& e, T* out) {
  if (!e.is_number_integer()) return invalid_argument("element " + json_excerpt(e) + " is not an integer");
  const bool too_big = e.is_number_unsigned() ? e.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<T>::max())
                                              : e.get<int64_t>() > static_cast<int64_t>(std::numeric_limits<T>::max());
  if (too_big || (!e.is_number_unsigned() && e.get<int64_t>() < static_cast<int64_t>(std::numeric_limits<T>::min()))) {
    return invalid_argument("element " + json_excerpt(e) + " is out of range");
  }
  *out = static_cast<T>(e.get<int64_t>());
  return Status::Ok();
}

Status store_element(const json& e, Tensor* t, int64_t i) {
  switch (t->dtype()) {
    case DType::kF32:
      if (!e.is_number()) return invalid_argument("element " + json_excerpt(e) + " is not a number");
      t->data<float>()[i] = static_cast<float>(e.get<double>());
      return Status::Ok();
    case DType::kU8: return store_integer(e, t->data<uint8_t>() + i);
    case DType::kI8: return store_integer(e, t->data<int8_t>() + i);
    case DType::kI32: return store_integer(e, t->data<int32_t>() + i);
    case DType::kI64: return store_integer(e, t->data<int64_t>() + i);
    case DType::kBool:
      if (!e.is_boolean()) return invalid_argument("element " + json_excerpt(e) + " is not a boolean");
      t->data<bool>()[i] = e.get<bool>();
      return Status::Ok();
    default: return internal_error("unexpected datatype");
  }
}

Status fill_from_data(const json& j, Tensor* t, int64_t* next) {
  if (j.is_array()) {
    for (const json& e : j) RETURN_IF_ERROR(fill_from_data(e, t, next));
    return Status::Ok();
  }
  return store_element(j, t, (*next)++);
}

// ---- quantization parameters (edgerun extension) ----

void put_quant(const QuantParams& q, json* params) {
  if (q.empty()) return;
  (*params)["edgerun_scale"] = q.scale;
  (*params)["edgerun_zero_point"] = q.zero_point;
  (*params)["edgerun_axis"] = q.axis;
}

Status get_quant(const json& params, QuantParams* q) {
  if (!params.contains("edgerun_scale")) return Status::Ok();
  const json& scale = params["edgerun_scale"];
  const json& zero = params.contains("edgerun_zero_point") ? params["edgerun_zero_point"] : json::array();
  if (!scale.is_array() || !zero.is_array() || scale.empty() || (!zero.empty() && zero.size() != scale.size())) {
    return invalid_argument("edgerun_scale / edgerun_zero_point must be arrays of equal, non-zero length");
  }
  for (const json& s : scale) {
    if (!s.is_number()) return invalid_argument("edgerun_scale holds a non-number");
    q->scale.push_back(s.get<float>());
  }
  for (const json& z : zero) {
    int32_t v = 0;
    RETURN_IF_ERROR(store_integer(z, &v).with_context("edgerun_zero_point"));
    q->zero_point.push_back(v);
  }
  if (params.contains("edgerun_axis")) {
    if (!params["edgerun_axis"].is_number_integer()) return invalid_argument("edgerun_axis is not an integer");
    q->axis = params["edgerun_axis"].get<int64_t>();
  }
  return Status::Ok();
}

// ---- one tensor ----

// A binary tensor's bytes are appended to the body later (`binary_tensors`): one copy in all.
Result<json> encode_tensor(const NamedTensor& nt, bool binary, std::vector<const Tensor*>* binary_tensors) {
  ASSIGN_OR_RETURN(std::string datatype, kserve_datatype(nt.tensor.dtype()));
  json j = {{"name", nt.name}, {"datatype", datatype}, {"shape", nt.tensor.shape()}};
  json params = json::object();
  put_quant(nt.tensor.quant(), &params);
  if (binary) {
    params["binary_data_size"] = nt.tensor.byte_size();
    binary_tensors->push_back(&nt.tensor);
  } else {
    j["data"] = data_array(nt.tensor);
  }
  if (!params.empty()) j["parameters"] = std::move(params);
  return j;
}

Result<Shape> decode_shape(const json& j, const CodecLimits& limits) {
  if (!j.is_array()) return invalid_argument("'shape' is not an array");
  Shape shape;
  for (const json& d : j) {
    if (!d.is_number_integer()) return invalid_argument("'shape' holds a non-integer: " + json_excerpt(d));
    if (!d.is_number_unsigned() && d.get<int64_t>() < 0) {
      return invalid_argument("negative dim " + json_excerpt(d) + " in shape " + json_excerpt(j));
    }
    if (d.is_number_unsigned() && d.get<uint64_t>() > static_cast<uint64_t>(kMaxElements)) {
      return invalid_argument("dim " + json_excerpt(d) + " is too large");
    }
    shape.push_back(d.get<int64_t>());
  }
  auto count = checked_num_elements(shape);
  if (!count.ok()) return invalid_argument("shape " + json_excerpt(j) + ": " + count.status().message());
  if (count.value() > limits.max_elements) {
    return out_of_range("shape " + json_excerpt(j) + " has " + std::to_string(count.value()) + " elements, over the limit of " +
                        std::to_string(limits.max_elements));
  }
  return shape;
}

const json* find_member(const json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

Result<std::string> string_member(const json& j, const char* key) {
  const json* v = find_member(j, key);
  if (v == nullptr) return invalid_argument(std::string("missing '") + key + "'");
  if (!v->is_string()) return invalid_argument(std::string("'") + key + "' is not a string");
  return v->get<std::string>();
}

Result<json> parameters_member(const json& j) {
  const json* p = find_member(j, "parameters");
  if (p == nullptr) return json::object();
  if (!p->is_object()) return invalid_argument("'parameters' is not an object");
  return *p;
}

// Decodes one tensor; binary data is taken from `binary` at `*cursor`, which advances (and sets *used_binary).
Result<NamedTensor> decode_tensor(const json& j, std::string_view binary, size_t* cursor, const CodecLimits& limits,
                                  bool* used_binary) {
  if (!j.is_object()) return invalid_argument("a tensor is not a JSON object");
  ASSIGN_OR_RETURN(std::string name, string_member(j, "name"));
  auto decoded = [&]() -> Result<Tensor> {
    ASSIGN_OR_RETURN(std::string datatype, string_member(j, "datatype"));
    ASSIGN_OR_RETURN(DType dtype, parse_kserve_datatype(datatype));
    const json* shape_json = find_member(j, "shape");
    if (shape_json == nullptr) return invalid_argument("missing 'shape'");
    ASSIGN_OR_RETURN(Shape shape, decode_shape(*shape_json, limits));
    ASSIGN_OR_RETURN(json params, parameters_member(j));
    const int64_t count = num_elements(shape);
    const size_t bytes = static_cast<size_t>(count) * dtype_size(dtype);
    const json* data = find_member(j, "data");
    const json* binary_size = find_member(params, "binary_data_size");
    if ((data == nullptr) == (binary_size == nullptr)) {
      return invalid_argument("needs exactly one of 'data' and parameters.binary_data_size");
    }
    Tensor t;
    if (binary_size != nullptr) {
      if (!binary_size->is_number_unsigned()) return invalid_argument("binary_data_size is not a non-negative integer");
      const uint64_t size = binary_size->get<uint64_t>();
      if (size != bytes) {
        return invalid_argument("binary_data_size " + std::to_string(size) + " but shape " + json_excerpt(*shape_json) +
                                " of " + datatype + " needs " + std::to_string(bytes) + " bytes");
      }
      if (size > binary.size() - *cursor) {
        return invalid_argument("binary_data_size " + std::to_string(size) + " runs past the body (" +
                                std::to_string(binary.size() - *cursor) + " bytes left)");
      }
      ASSIGN_OR_RETURN(t, Tensor::allocate(dtype, shape));
      *used_binary = true;
      std::memcpy(t.raw_data(), binary.data() + *cursor, bytes);
      *cursor += bytes;
      if (dtype == DType::kBool) {
        for (int64_t i = 0; i < count; ++i) t.data<bool>()[i] = reinterpret_cast<const uint8_t*>(t.raw_data())[i] != 0;
      }
    } else {
      int64_t leaves = 0;
      RETURN_IF_ERROR(count_leaves(*data, 0, &leaves));
      if (leaves != count) {
        return invalid_argument("'data' has " + std::to_string(leaves) + " elements but shape " + json_excerpt(*shape_json) +
                                " needs " + std::to_string(count));
      }
      ASSIGN_OR_RETURN(t, Tensor::allocate(dtype, shape));
      int64_t next = 0;
      RETURN_IF_ERROR(fill_from_data(*data, &t, &next));
    }
    RETURN_IF_ERROR(get_quant(params, &t.quant()));
    return t;
  }();
  if (!decoded.ok()) return decoded.status().with_context("tensor '" + name + "'");
  return NamedTensor{std::move(name), std::move(decoded).value()};
}

// ---- whole messages ----

// The tensor list is serialised before `finish` sees the parameters (so a server can stamp its encode
// time), then placed as the head's last member.
Result<EncodedMessage> encode_message(json head, const char* key, const std::vector<NamedTensor>& tensors,
                                      const BinarySelection& binary, const ParametersHook& finish) {
  std::vector<const Tensor*> binary_tensors;
  json list = json::array();
  for (const NamedTensor& t : tensors) {
    auto j = encode_tensor(t, binary(t.name), &binary_tensors);
    if (!j.ok()) return j.status().with_context("tensor '" + t.name + "'");
    list.push_back(std::move(j).value());
  }
  const std::string list_text = list.dump(-1, ' ', false, json::error_handler_t::replace);
  if (finish) {
    json params = head.contains("parameters") ? head["parameters"] : json::object();
    finish(&params);
    if (!params.empty()) head["parameters"] = std::move(params);
  }
  EncodedMessage m;
  m.body = head.dump(-1, ' ', false, json::error_handler_t::replace);
  m.body.pop_back();  // the closing brace of the head object
  m.body += std::string(head.empty() ? "\"" : ",\"") + key + "\":" + list_text + "}";
  m.header_length = m.body.size();
  size_t binary_bytes = 0;
  for (const Tensor* t : binary_tensors) binary_bytes += t->byte_size();
  m.body.reserve(m.body.size() + binary_bytes);
  for (const Tensor* t : binary_tensors) m.body.append(static_cast<const char*>(t->raw_data()), t->byte_size());
  return m;
}

struct DecodedMessage {
  json head;
  std::vector<NamedTensor> tensors;
  bool used_binary = false;
};

Result<DecodedMessage> decode_message(std::string_view body, size_t header_length, const char* key,
                                      const CodecLimits& limits) {
  if (header_length > body.size()) {
    return invalid_argument("JSON header length " + std::to_string(header_length) + " exceeds the body (" +
                            std::to_string(body.size()) + " bytes)");
  }
  DecodedMessage m;
  m.head = json::parse(body.substr(0, header_length), nullptr, /*allow_exceptions=*/false);
  if (m.head.is_discarded()) return invalid_argument("the body is not valid JSON");
  if (!m.head.is_object()) return invalid_argument("the body is not a JSON object");
  const json* list = find_member(m.head, key);
  if (list == nullptr) return invalid_argument(std::string("missing '") + key + "'");
  if (!list->is_array()) return invalid_argument(std::string("'") + key + "' is not an array");
  const std::string_view binary = body.substr(header_length);
  size_t cursor = 0;
  for (const json& t : *list) {
    ASSIGN_OR_RETURN(NamedTensor nt, decode_tensor(t, binary, &cursor, limits, &m.used_binary));
    m.tensors.push_back(std::move(nt));
  }
  if (cursor != binary.size()) {
    return invalid_argument(std::to_string(binary.size() - cursor) + " bytes after the JSON header are not claimed by "
                            "any tensor's binary_data_size");
  }
  m.head.erase(key);
  return m;
}

Result<std::string> optional_string(const json& j, const char* key) {
  if (!j.contains(key)) return std::string();
  return string_member(j, key);
}

Result<std::vector<RequestedOutput>> decode_requested_outputs(const json& head) {
  std::vector<RequestedOutput> outputs;
  const json* list = find_member(head, "outputs");
  if (list == nullptr) return outputs;
  if (!list->is_array()) return invalid_argument("'outputs' is not an array");
  for (const json& o : *list) {
    if (!o.is_object()) return invalid_argument("a requested output is not a JSON object");
    RequestedOutput r;
    ASSIGN_OR_RETURN(r.name, string_member(o, "name"));
    ASSIGN_OR_RETURN(json params, parameters_member(o));
    if (const json* b = find_member(params, "binary_data")) {
      if (!b->is_boolean()) return invalid_argument("output '" + r.name + "': binary_data is not a boolean");
      r.binary = b->get<bool>();
    }
    outputs.push_back(std::move(r));
  }
  return outputs;
}

}  // namespace

std::string json_excerpt(const nlohmann::json& j) {
  constexpr size_t kMax = 80;
  std::string text = j.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > kMax) text = text.substr(0, kMax) + "...";
  return text;
}

Result<std::string> kserve_datatype(DType dtype) {
  for (const DatatypeName& d : kDatatypes) {
    if (d.dtype == dtype) return std::string(d.name);
  }
  return unsupported(std::string("datatype ") + dtype_name(dtype) + " has no KServe v2 encoding here");
}

Result<DType> parse_kserve_datatype(const std::string& name) {
  for (const DatatypeName& d : kDatatypes) {
    if (name == d.name) return d.dtype;
  }
  return invalid_argument("unknown datatype '" + name + "' (known: FP32, UINT8, INT8, INT32, INT64, BOOL)");
}

Result<size_t> parse_header_length(const std::string& header_value, size_t body_size) {
  if (header_value.empty()) return body_size;
  size_t length = 0;
  const char* end = header_value.data() + header_value.size();
  const auto [ptr, ec] = std::from_chars(header_value.data(), end, length);
  if (ec != std::errc() || ptr != end) {
    return invalid_argument(std::string(kHeaderLengthHeader) + " '" + header_value + "' is not a byte count");
  }
  if (length > body_size) {
    return invalid_argument(std::string(kHeaderLengthHeader) + " " + header_value + " exceeds the body (" +
                            std::to_string(body_size) + " bytes)");
  }
  return length;
}

Result<EncodedMessage> encode_infer_request(const InferRequest& request, const BinarySelection& binary) {
  json head = json::object();
  if (!request.id.empty()) head["id"] = request.id;
  if (!request.parameters.empty()) head["parameters"] = request.parameters;
  if (!request.outputs.empty()) {
    json outputs = json::array();
    for (const RequestedOutput& o : request.outputs) {
      json j = {{"name", o.name}};
      if (o.binary) j["parameters"] = {{"binary_data", *o.binary}};
      outputs.push_back(std::move(j));
    }
    head["outputs"] = std::move(outputs);
  }
  return encode_message(std::move(head), "inputs", request.inputs, binary, nullptr);
}

Result<InferRequest> decode_infer_request(std::string_view body, size_t header_length, const CodecLimits& limits) {
  ASSIGN_OR_RETURN(DecodedMessage m, decode_message(body, header_length, "inputs", limits));
  InferRequest r;
  ASSIGN_OR_RETURN(r.id, optional_string(m.head, "id"));
  ASSIGN_OR_RETURN(r.parameters, parameters_member(m.head));
  ASSIGN_OR_RETURN(r.outputs, decode_requested_outputs(m.head));
  r.inputs = std::move(m.tensors);
  r.used_binary = m.used_binary;
  return r;
}

Result<EncodedMessage> encode_infer_response(const InferResponse& response, const BinarySelection& binary,
                                             const ParametersHook& finish) {
  json head = {{"model_name", response.model_name}};
  if (!response.id.empty()) head["id"] = response.id;
  if (!response.parameters.empty()) head["parameters"] = response.parameters;
  return encode_message(std::move(head), "outputs", response.outputs, binary, finish);
}

Result<InferResponse> decode_infer_response(std::string_view body, size_t header_length, const CodecLimits& limits) {
  ASSIGN_OR_RETURN(DecodedMessage m, decode_message(body, header_length, "outputs", limits));
  InferResponse r;
  ASSIGN_OR_RETURN(r.model_name, string_member(m.head, "model_name"));
  ASSIGN_OR_RETURN(r.id, optional_string(m.head, "id"));
  ASSIGN_OR_RETURN(r.parameters, parameters_member(m.head));
  r.outputs = std::move(m.tensors);
  return r;
}

}  // namespace edgerun::serve
