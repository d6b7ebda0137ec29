// File access for the ONNX importer: whole model files and external tensor data (internal).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "graph/status.h"

namespace edgerun::onnx {

// Largest file read whole: protobuf's own 2 GiB message limit.
constexpr uint64_t kMaxProtoFileBytes = uint64_t{1} << 31;

Result<std::vector<uint8_t>> read_whole_file(const std::string& path);
// The folder holding `path` ("." for a bare file name).
std::string parent_folder(const std::string& path);

// A checked byte range of an external data file.
struct ExternalRange {
  std::string path;
  uint64_t offset = 0;
  uint64_t length = 0;
};

// Resolves TensorProto.external_data: `location` must be a relative path that stays inside `folder`
// (no absolute path, no ".." component, no link leading out) naming a regular file; offset and length
// (decimal strings, optional) must lie within the file. Length defaults to the rest of the file.
Result<ExternalRange> resolve_external_data(const std::string& folder, const std::string& location,
                                            const std::optional<std::string>& offset,
                                            const std::optional<std::string>& length);
Status read_external_range(const ExternalRange& range, void* dst);

}  // namespace edgerun::onnx
