// Sessions on native .edgr models (no file system use: the firmware build loads its model this way).
#include <cstdlib>
#include <cstring>

#include "engine/session.h"
#include "graph/format/edgr_format.h"
#include "graph/format/edgr_reader.h"

namespace edgerun {

std::shared_ptr<uint8_t> Session::allocate_model_bytes(size_t size) {
  // aligned_alloc wants a multiple of the alignment, and never 0.
  const size_t padded = (size + edgr::kDataAlignment) / edgr::kDataAlignment * edgr::kDataAlignment;
  void* p = std::aligned_alloc(edgr::kDataAlignment, padded);
  if (p == nullptr) return nullptr;
  return std::shared_ptr<uint8_t>(static_cast<uint8_t*>(p), [](uint8_t* q) { std::free(q); });
}

Result<std::unique_ptr<Session>> Session::from_edgr(std::shared_ptr<uint8_t> bytes, size_t size,
                                                    const SessionOptions& options) {
  ASSIGN_OR_RETURN(Graph graph, read_edgr(bytes.get(), size));
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, from_graph(std::move(graph), options));
  session->model_bytes_ = std::move(bytes);
  // Compiling now re-validates every shape and attribute of the (untrusted) file before any run.
  ASSIGN_OR_RETURN(auto shapes, session->default_input_shapes());
  RETURN_IF_ERROR(session->prepare(shapes));
  return session;
}

}  // namespace edgerun
