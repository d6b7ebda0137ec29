// What every XNNPACK entry shares: the library initialized once, one pthreadpool per thread count, and
// XNNPACK's status codes as edgerun Status. Only the backend's own .cc files include this (and xnnpack.h).
#pragma once

#include <xnnpack.h>

#include <pthreadpool.h>

#include <mutex>
#include <string>

#include "graph/status.h"

namespace edgerun::kernels::xnnpack {

// xnn_initialize once per process (thread-safe); its error on every later call if it failed.
Status initialize();

// The pool for omp_get_max_threads() threads, created on first use and kept for the process; null
// (XNNPACK runs on the calling thread) for one thread. Error when the pool cannot be created.
Result<pthreadpool_t> threadpool_for_current_threads();

// Ok for xnn_status_success, else an error naming `what`.
Status check(xnn_status status, const std::string& what);

// Binds the operator's pointers (setup, a callable returning xnn_status) and runs it, holding `mutex`:
// the operator keeps those pointers, so one run at a time per kernel object. False on an XNNPACK error.
template <typename Setup>
bool setup_and_run(std::mutex& mutex, xnn_operator_t op, pthreadpool_t pool, Setup&& setup) {
  const std::lock_guard<std::mutex> lock(mutex);
  return setup() == xnn_status_success && xnn_run_operator(op, pool) == xnn_status_success;
}

// Deletes an XNNPACK operator when the kernel object goes away.
struct OperatorDeleter {
  void operator()(xnn_operator_t op) const { xnn_delete_operator(op); }
};

}  // namespace edgerun::kernels::xnnpack
