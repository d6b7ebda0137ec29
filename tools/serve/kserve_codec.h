// The Open Inference Protocol (KServe v2) infer messages: JSON bodies and the binary tensor data
// extension. A message is a JSON header `{..., "inputs"|"outputs": [{name, datatype, shape, ...}]}`;
// each tensor carries its elements either as a flat (or nested) JSON `data` array, or as
// `parameters.binary_data_size` bytes appended after the JSON, in tensor order. With binary data the
// HTTP header `Inference-Header-Content-Length` gives the JSON header's length.
// Datatypes: FP32, UINT8, INT8, INT32, INT64, BOOL (one byte per element in binary form).
// edgerun extension: a quantized tensor carries its affine parameters as tensor parameters
// `edgerun_scale`, `edgerun_zero_point`, `edgerun_axis`, so an int8 crossing tensor keeps them.
// Decoding validates everything: untrusted bodies return a Status naming the problem, never throw.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/session.h"

namespace edgerun::serve {

// The HTTP header naming the JSON part's length in a binary-extension body.
inline constexpr const char* kHeaderLengthHeader = "Inference-Header-Content-Length";
inline constexpr const char* kJsonContentType = "application/json";
inline constexpr const char* kBinaryContentType = "application/octet-stream";

// The protocol's datatype name ("FP32") of an edgerun type; error for types the protocol here lacks.
Result<std::string> kserve_datatype(DType dtype);
Result<DType> parse_kserve_datatype(const std::string& name);

struct CodecLimits {
  // Elements in one tensor (guards allocations sized by an untrusted shape).
  int64_t max_elements = int64_t{1} << 28;
};

// An output the request asks for; `binary` is its `parameters.binary_data`, if given.
struct RequestedOutput {
  std::string name;
  std::optional<bool> binary;
};

struct InferRequest {
  std::string id;
  nlohmann::json parameters = nlohmann::json::object();
  std::vector<NamedTensor> inputs;
  std::vector<RequestedOutput> outputs;  // empty: all outputs
  bool used_binary = false;              // some input came as binary data (decode only)
};

struct InferResponse {
  std::string model_name;
  std::string id;
  nlohmann::json parameters = nlohmann::json::object();
  std::vector<NamedTensor> outputs;
};

// Which tensors of a message go as binary data.
struct BinarySelection {
  bool all = false;
  std::set<std::string> names;  // besides `all`
  bool operator()(const std::string& name) const { return all || names.count(name) > 0; }
};

struct EncodedMessage {
  std::string body;
  size_t header_length = 0;  // the JSON part's length; equal to body.size() without binary data
  bool has_binary() const { return header_length != body.size(); }
  const char* content_type() const { return has_binary() ? kBinaryContentType : kJsonContentType; }
};

// Names in bodies and models may hold invalid UTF-8: every dump replaces it (nlohmann would throw).
// A JSON value for an error message: at most 80 characters.
std::string json_excerpt(const nlohmann::json& j);

// The value of an `Inference-Header-Content-Length` header (empty: absent -> the whole body is JSON).
Result<size_t> parse_header_length(const std::string& header_value, size_t body_size);

Result<EncodedMessage> encode_infer_request(const InferRequest& request, const BinarySelection& binary);
Result<InferRequest> decode_infer_request(std::string_view body, size_t header_length, const CodecLimits& limits);
// Called with the response parameters after the tensors are serialised, before the JSON header is.
using ParametersHook = std::function<void(nlohmann::json* parameters)>;
Result<EncodedMessage> encode_infer_response(const InferResponse& response, const BinarySelection& binary,
                                             const ParametersHook& finish = nullptr);
Result<InferResponse> decode_infer_response(std::string_view body, size_t header_length, const CodecLimits& limits);

}  // namespace edgerun::serve
