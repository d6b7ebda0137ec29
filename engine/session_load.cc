// Session loaders for files and bytes: ONNX, or .edgr when the bytes start with its magic (kept apart
// from session.cc so a firmware build that loads only native models can leave the ONNX importer and
// the file system out).
#include <cstring>
#include <fstream>

#include "engine/session.h"
#include "graph/format/edgr_format.h"
#include "graph/onnx/onnx_importer.h"

namespace edgerun {

Result<std::unique_ptr<Session>> Session::load_file(const std::string& path, const SessionOptions& options) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  uint8_t magic[4] = {};
  const std::streamoff size = in ? static_cast<std::streamoff>(in.tellg()) : 0;
  if (size >= 4 && in.seekg(0).read(reinterpret_cast<char*>(magic), 4) && edgr::has_edgr_magic(magic, 4)) {
    std::shared_ptr<uint8_t> bytes = allocate_model_bytes(static_cast<size_t>(size));
    if (!bytes) return out_of_range("cannot allocate " + std::to_string(size) + " bytes for '" + path + "'");
    if (!in.seekg(0).read(reinterpret_cast<char*>(bytes.get()), size)) return io_error("cannot read '" + path + "'");
    return from_edgr(std::move(bytes), static_cast<size_t>(size), options);
  }
  ASSIGN_OR_RETURN(Graph graph, onnx::import_model_file(path));
  return from_graph(std::move(graph), options);
}

Result<std::unique_ptr<Session>> Session::load_bytes(const uint8_t* data, size_t size, const SessionOptions& options) {
  if (edgr::has_edgr_magic(data, size)) {
    std::shared_ptr<uint8_t> bytes = allocate_model_bytes(size);
    if (!bytes) return out_of_range("cannot allocate " + std::to_string(size) + " bytes for the model");
    std::memcpy(bytes.get(), data, size);
    return from_edgr(std::move(bytes), size, options);
  }
  ASSIGN_OR_RETURN(Graph graph, onnx::import_model_bytes(data, size));
  return from_graph(std::move(graph), options);
}

}  // namespace edgerun
