#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "tools/serve/kserve_codec.h"

namespace edgerun::serve {
namespace {

using nlohmann::json;

std::vector<NamedTensor> one_of_each_type() {
  Tensor q = Tensor::from_vector<int8_t>({2, 2}, {-128, -1, 0, 127});
  q.quant().scale = {0.5f};
  q.quant().zero_point = {3};
  return {{"f", Tensor::from_vector<float>({2, 3}, {1.5f, -2.25f, 0.1f, 3e-8f, -0.0f, 1e30f})},
          {"u8", Tensor::from_vector<uint8_t>({3}, {0, 7, 255})},
          {"i8", q},
          {"i32", Tensor::from_vector<int32_t>({1, 2}, {-2147483647 - 1, 2147483647})},
          {"i64", Tensor::from_vector<int64_t>({2}, {-(int64_t{1} << 62), int64_t{1} << 62})},
          {"b", Tensor::from_vector<bool>({2, 1}, {true, false})},
          {"empty", Tensor::from_vector<float>({0, 4}, {})}};
}

void check_same(const std::vector<NamedTensor>& a, const std::vector<NamedTensor>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CAPTURE(a[i].name);
    CHECK(a[i].name == b[i].name);
    CHECK(a[i].tensor.dtype() == b[i].tensor.dtype());
    CHECK(a[i].tensor.shape() == b[i].tensor.shape());
    REQUIRE(a[i].tensor.byte_size() == b[i].tensor.byte_size());
    CHECK(std::memcmp(a[i].tensor.raw_data(), b[i].tensor.raw_data(), a[i].tensor.byte_size()) == 0);
    CHECK(a[i].tensor.quant().scale == b[i].tensor.quant().scale);
    CHECK(a[i].tensor.quant().zero_point == b[i].tensor.quant().zero_point);
  }
}

Result<InferRequest> decode_request(const std::string& body, size_t header_length = std::string::npos) {
  return decode_infer_request(body, header_length == std::string::npos ? body.size() : header_length, CodecLimits{});
}

// The request's error message, which must exist.
std::string request_error(const std::string& body, size_t header_length = std::string::npos) {
  auto r = decode_request(body, header_length);
  REQUIRE_FALSE(r.ok());
  return r.status().message();
}

std::string tensor_json(const std::string& fields) { return R"({"inputs":[{"name":"x",)" + fields + "}]}"; }

}  // namespace

TEST_CASE("serve codec: requests round-trip as JSON and as binary data, every datatype") {
  InferRequest request;
  request.id = "r7";
  request.parameters = {{"edgerun_steps", {0, 3}}, {"edgerun_profile", true}};
  request.inputs = one_of_each_type();
  request.outputs = {{"y", true}, {"z", std::nullopt}};
  for (bool binary : {false, true}) {
    CAPTURE(binary);
    auto encoded = encode_infer_request(request, BinarySelection{binary, {}});
    REQUIRE(encoded.ok());
    CHECK(encoded.value().has_binary() == binary);
    auto decoded = decode_infer_request(encoded.value().body, encoded.value().header_length, CodecLimits{});
    REQUIRE_MESSAGE(decoded.ok(), decoded.status().to_string());
    CHECK(decoded.value().id == "r7");
    CHECK(decoded.value().parameters == request.parameters);
    CHECK(decoded.value().used_binary == binary);
    REQUIRE(decoded.value().outputs.size() == 2);
    CHECK(decoded.value().outputs[0].name == "y");
    CHECK(decoded.value().outputs[0].binary == std::optional<bool>(true));
    CHECK_FALSE(decoded.value().outputs[1].binary.has_value());
    check_same(decoded.value().inputs, request.inputs);
  }
}

TEST_CASE("serve codec: responses round-trip, binary chosen per tensor, parameters hook sees them last") {
  InferResponse response;
  response.model_name = "m";
  response.parameters = {{"edgerun_tier", "edge"}};
  response.outputs = one_of_each_type();
  auto encoded = encode_infer_response(response, BinarySelection{false, {"u8", "b"}},
                                       [](json* p) { (*p)["stamped"] = 1; });
  REQUIRE(encoded.ok());
  const json head = json::parse(encoded.value().body.substr(0, encoded.value().header_length));
  CHECK(head["parameters"]["stamped"] == 1);
  CHECK(head["outputs"][1]["parameters"]["binary_data_size"] == 3);
  CHECK(head["outputs"][0].contains("data"));
  auto decoded = decode_infer_response(encoded.value().body, encoded.value().header_length, CodecLimits{});
  REQUIRE_MESSAGE(decoded.ok(), decoded.status().to_string());
  CHECK(decoded.value().model_name == "m");
  CHECK(decoded.value().parameters["edgerun_tier"] == "edge");
  check_same(decoded.value().outputs, response.outputs);
}

TEST_CASE("serve codec: nested data arrays and the datatype names") {
  auto r = decode_request(tensor_json(R"("datatype":"INT32","shape":[2,2],"data":[[1,2],[3,4]])"));
  REQUIRE(r.ok());
  CHECK(r.value().inputs[0].tensor.to_int64_vector() == std::vector<int64_t>{1, 2, 3, 4});
  CHECK(parse_kserve_datatype("FP32").value() == DType::kF32);
  CHECK(kserve_datatype(DType::kBool).value() == "BOOL");
  CHECK_FALSE(kserve_datatype(DType::kF16).ok());
}

TEST_CASE("serve codec: the header length header") {
  CHECK(parse_header_length("", 10).value() == 10);
  CHECK(parse_header_length("4", 10).value() == 4);
  CHECK(parse_header_length("11", 10).status().message().find("exceeds the body") != std::string::npos);
  CHECK(parse_header_length("4x", 10).status().message().find("not a byte count") != std::string::npos);
  CHECK(parse_header_length("-1", 10).status().message().find("not a byte count") != std::string::npos);
}

TEST_CASE("serve codec: every malformed request is an error naming the problem") {
  struct Case {
    std::string body;
    std::string expected;
  };
  const Case cases[] = {
      {"{\"inputs\": [", "not valid JSON"},
      {"[1,2]", "not a JSON object"},
      {"{}", "missing 'inputs'"},
      {R"({"inputs": 3})", "'inputs' is not an array"},
      {R"({"inputs": [3]})", "not a JSON object"},
      {R"({"inputs": [{"datatype":"FP32","shape":[1],"data":[1]}]})", "missing 'name'"},
      {tensor_json(R"("shape":[1],"data":[1])"), "missing 'datatype'"},
      {tensor_json(R"("datatype":"FP16","shape":[1],"data":[1])"), "unknown datatype 'FP16'"},
      {tensor_json(R"("datatype":"FP32","data":[1])"), "missing 'shape'"},
      {tensor_json(R"("datatype":"FP32","shape":[2,-1],"data":[1])"), "negative dim"},
      {tensor_json(R"("datatype":"FP32","shape":[1.5],"data":[1])"), "non-integer"},
      {tensor_json(R"("datatype":"FP32","shape":[1099511627776,1099511627776],"data":[])"), "shape"},
      {tensor_json(R"("datatype":"FP32","shape":[18446744073709551615],"data":[])"), "too large"},
      {tensor_json(R"("datatype":"FP32","shape":[1000000000],"data":[])"), "over the limit"},
      {tensor_json(R"("datatype":"FP32","shape":[3],"data":[1,2])"), "'data' has 2 elements but shape [3] needs 3"},
      {tensor_json(R"("datatype":"FP32","shape":[1],"data":["a"])"), "not a number"},
      {tensor_json(R"("datatype":"UINT8","shape":[1],"data":[256])"), "out of range"},
      {tensor_json(R"("datatype":"INT8","shape":[1],"data":[-129])"), "out of range"},
      {tensor_json(R"("datatype":"INT64","shape":[1],"data":[18446744073709551615])"), "out of range"},
      {tensor_json(R"("datatype":"INT32","shape":[1],"data":[1.5])"), "not an integer"},
      {tensor_json(R"("datatype":"BOOL","shape":[1],"data":[1])"), "not a boolean"},
      {tensor_json(R"("datatype":"FP32","shape":[1])"), "exactly one of"},
      {tensor_json(R"("datatype":"FP32","shape":[1],"data":[1],"parameters":{"binary_data_size":4})"), "exactly one of"},
      {tensor_json(R"("datatype":"FP32","shape":[1],"parameters":{"binary_data_size":-4})"), "non-negative"},
      {tensor_json(R"("datatype":"FP32","shape":[1],"parameters":{"binary_data_size":8})"), "needs 4 bytes"},
      {tensor_json(R"("datatype":"FP32","shape":[1],"parameters":{"binary_data_size":4})"), "runs past the body"},
      {tensor_json(R"("datatype":"FP32","shape":[1],"parameters":3,"data":[1])"), "'parameters' is not an object"},
      {tensor_json(R"("datatype":"FP32","shape":[1],"data":)" + std::string(40, '[') + "1" + std::string(40, ']')),
       "nested deeper"},
      {tensor_json(R"("datatype":"INT8","shape":[1],"data":[1],"parameters":{"edgerun_scale":[]})"), "edgerun_scale"},
      {R"({"inputs": [], "parameters": []})", "'parameters' is not an object"},
      {R"({"inputs": [], "id": 3})", "'id' is not a string"},
      {R"({"inputs": [], "outputs": [{"parameters":{}}]})", "missing 'name'"},
      {R"({"inputs": [], "outputs": [{"name":"y","parameters":{"binary_data":1}}]})", "binary_data is not a boolean"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.body);
    CHECK_MESSAGE(request_error(c.body).find(c.expected) != std::string::npos, request_error(c.body));
  }
  // Element count over the limit is kOutOfRange (the server answers 413), the rest invalid arguments.
  CHECK(decode_request(tensor_json(R"("datatype":"FP32","shape":[1000000000],"data":[])")).status().code() ==
        StatusCode::kOutOfRange);
}

TEST_CASE("serve codec: binary parts must match the JSON header exactly") {
  const std::string head = tensor_json(R"("datatype":"FP32","shape":[2],"parameters":{"binary_data_size":8})");
  const std::string data(8, '\0');
  CHECK(decode_request(head + data, head.size()).ok());
  CHECK(request_error(head + data + "xy", head.size()).find("2 bytes after the JSON header") != std::string::npos);
  CHECK(request_error(head + data.substr(0, 5), head.size()).find("runs past the body") != std::string::npos);
  CHECK(request_error(head + data, head.size() + 100).find("exceeds the body") != std::string::npos);
  CHECK(request_error(head + data, head.size() - 1).find("not valid JSON") != std::string::npos);
  // Binary BOOL bytes other than 0 / 1 read as true.
  const std::string bools = tensor_json(R"("datatype":"BOOL","shape":[3],"parameters":{"binary_data_size":3})");
  auto r = decode_request(bools + std::string("\x00\x01\x07", 3), bools.size());
  REQUIRE(r.ok());
  CHECK(r.value().inputs[0].tensor.to_int64_vector() == std::vector<int64_t>{0, 1, 1});
}

TEST_CASE("serve codec: responses need model_name and outputs") {
  auto missing_name = decode_infer_response(R"({"outputs":[]})", 14, CodecLimits{});
  CHECK(missing_name.status().message().find("missing 'model_name'") != std::string::npos);
  const std::string no_outputs = R"({"model_name":"m"})";
  CHECK(decode_infer_response(no_outputs, no_outputs.size(), CodecLimits{}).status().message().find("missing 'outputs'") !=
        std::string::npos);
}

}  // namespace edgerun::serve
