// Session loaders for files and bytes: ONNX, or .edgr when the bytes start with its magic (kept apart
// from session.cc so a firmware build that loads only native models can leave the ONNX importer and
// the file system out).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "engine/session.h"
#include "graph/format/edgr_format.h"
#include "graph/onnx/onnx_importer.h"

namespace edgerun {

namespace {
// The whole file mapped read-only: a .edgr model's constants point into the mapping, so loading
// copies no weight (the OS pages them in as kernels read them).
Result<std::shared_ptr<uint8_t>> map_file(const std::string& path, size_t* size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open '" + path + "'");
  struct stat st {};
  void* p = MAP_FAILED;
  if (::fstat(fd, &st) == 0 && st.st_size > 0) {
    p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  }
  ::close(fd);  // the mapping stays valid
  if (p == MAP_FAILED) return io_error("cannot map '" + path + "'");
  *size = static_cast<size_t>(st.st_size);
  const size_t length = *size;
  return std::shared_ptr<uint8_t>(static_cast<uint8_t*>(p), [length](uint8_t* q) { ::munmap(q, length); });
}
}  // namespace

Result<std::unique_ptr<Session>> Session::load_file(const std::string& path, const SessionOptions& options) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (in) RETURN_IF_ERROR(check_model_bytes(static_cast<uint64_t>(in.tellg()), options.limits).with_context(path));
  uint8_t magic[4] = {};
  if (in.seekg(0).read(reinterpret_cast<char*>(magic), 4) && edgr::has_edgr_magic(magic, 4)) {
    size_t size = 0;
    ASSIGN_OR_RETURN(std::shared_ptr<uint8_t> bytes, map_file(path, &size));
    auto session = from_edgr(std::move(bytes), size, options);
    if (!session.ok()) return session.status().with_context(path);
    return session;
  }
  ASSIGN_OR_RETURN(Graph graph, onnx::import_model_file(path));
  return from_graph(std::move(graph), options);
}

Result<std::unique_ptr<Session>> Session::load_bytes(const uint8_t* data, size_t size, const SessionOptions& options) {
  RETURN_IF_ERROR(check_model_bytes(size, options.limits));
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
