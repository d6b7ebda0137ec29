// Session loaders for ONNX files and bytes (kept apart from session.cc so a firmware build that
// loads only native models can leave the ONNX importer out).
#include "engine/session.h"
#include "graph/onnx/onnx_importer.h"

namespace edgerun {

Result<std::unique_ptr<Session>> Session::load_file(const std::string& path, const SessionOptions& options) {
  ASSIGN_OR_RETURN(Graph graph, onnx::import_model_file(path));
  return from_graph(std::move(graph), options);
}

Result<std::unique_ptr<Session>> Session::load_bytes(const uint8_t* data, size_t size, const SessionOptions& options) {
  ASSIGN_OR_RETURN(Graph graph, onnx::import_model_bytes(data, size));
  return from_graph(std::move(graph), options);
}

}  // namespace edgerun
