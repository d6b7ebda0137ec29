#include "kernels/backends/xnnpack/xnnpack_runtime.h"

#include <map>
#include <memory>
#include <mutex>

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace edgerun::kernels::xnnpack {

namespace {

const char* status_name(xnn_status status) {
  switch (status) {
    case xnn_status_success: return "success";
    case xnn_status_uninitialized: return "uninitialized";
    case xnn_status_invalid_parameter: return "invalid parameter";
    case xnn_status_invalid_state: return "invalid state";
    case xnn_status_unsupported_parameter: return "unsupported parameter";
    case xnn_status_unsupported_hardware: return "unsupported hardware";
    case xnn_status_out_of_memory: return "out of memory";
  }
  return "unknown status";
}

struct PoolDeleter {
  void operator()(pthreadpool_t pool) const { pthreadpool_destroy(pool); }
};

}  // namespace

Status check(xnn_status status, const std::string& what) {
  if (status == xnn_status_success) return Status::Ok();
  const StatusCode code = status == xnn_status_invalid_parameter || status == xnn_status_unsupported_parameter
                              ? StatusCode::kUnsupported
                              : StatusCode::kInternal;
  return Status(code, "XNNPACK " + what + ": " + status_name(status));
}

Status initialize() {
  static std::once_flag once;
  static xnn_status status = xnn_status_uninitialized;
  std::call_once(once, [] { status = xnn_initialize(/*allocator=*/nullptr); });
  return check(status, "xnn_initialize");
}

Result<pthreadpool_t> threadpool_for_current_threads() {
  int threads = 1;
#if defined(_OPENMP)
  threads = omp_get_max_threads();
#endif
  if (threads <= 1) return pthreadpool_t{nullptr};
  static std::mutex mutex;
  static std::map<int, std::unique_ptr<pthreadpool, PoolDeleter>> pools;
  const std::lock_guard<std::mutex> lock(mutex);
  auto& pool = pools[threads];
  if (pool == nullptr) pool.reset(pthreadpool_create(static_cast<size_t>(threads)));
  if (pool == nullptr) return internal_error("pthreadpool_create(" + std::to_string(threads) + ") failed");
  return pool.get();
}

}  // namespace edgerun::kernels::xnnpack
