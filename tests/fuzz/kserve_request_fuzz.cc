// Fuzz target for the tier server's request and response parsers (tools/serve/kserve_codec.h): the
// body of an Open Inference Protocol request, JSON with the binary tensor extension, from an untrusted
// client. Arbitrary bytes must give a request or an error, never a crash, an over-read or a huge
// allocation. The first two bytes choose where the JSON header ends (the Inference-Header-Content-Length
// header); the rest is the body. Seeds: tests/fuzz/corpus/kserve_request_fuzz.
#include <cstdint>
#include <string>
#include <string_view>

#include "tools/serve/kserve_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
  const size_t header_choice = data[0] | (size_t{data[1]} << 8);
  // Mostly the whole body as JSON (no binary part), else a header length inside the body.
  const size_t header_length = header_choice % 4 == 0 ? body.size() : header_choice % (body.size() + 1);
  edgerun::serve::CodecLimits limits;
  limits.max_elements = int64_t{1} << 20;  // keeps the fuzzer's allocations small
  (void)edgerun::serve::decode_infer_request(body, header_length, limits);
  (void)edgerun::serve::decode_infer_response(body, header_length, limits);
  (void)edgerun::serve::parse_header_length(std::string(body.substr(0, 24)), body.size());
  return 0;
}
