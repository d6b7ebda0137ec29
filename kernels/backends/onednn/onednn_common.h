// What the oneDNN entries share: the CPU engine, the attributes that carry an Epilogue, the carving of
// the caller's scratch into the buffers a run needs, and the conversion of oneDNN's exceptions into
// Status. Only files of kernels/backends/onednn include this (and with it dnnl.hpp).
#pragma once

#include <cstddef>
#include <exception>
#include <string>

#include <oneapi/dnnl/dnnl.hpp>

#include "graph/status.h"
#include "kernels/epilogue.h"

namespace edgerun::kernels::onednn {

// One CPU engine for the process (oneDNN's primitive cache is per engine kind, not per object).
const dnnl::engine& cpu_engine();

// User-managed scratchpad (so execute allocates no buffers), then the epilogue as post-ops: sum for
// the residual (the destination holds it before the primitive runs), then ReLU or clip.
dnnl::primitive_attr epilogue_attr(const Epilogue& epilogue);

// Consecutive 64-byte aligned regions of one scratch buffer.
class ScratchLayout {
 public:
  size_t add(size_t bytes) {  // returns the region's offset
    const size_t at = total_;
    total_ += (bytes + 63) / 64 * 64;
    return at;
  }
  size_t total() const { return total_; }

 private:
  size_t total_ = 0;
};

// Runs make() (which builds primitives and may throw) and turns oneDNN's or the allocator's exceptions
// into an error, so none escapes these files.
template <typename Make>
auto catch_errors(const char* what, Make&& make) -> decltype(make()) {
  try {
    return make();
  } catch (const dnnl::error& e) {
    return unsupported(std::string(what) + ": oneDNN refused it: " + e.what());
  } catch (const std::exception& e) {
    return internal_error(std::string(what) + ": " + e.what());
  }
}

// run() cannot report an error; if oneDNN throws while executing (it does not for primitives it
// accepted), the output becomes NaN so the failure shows instead of stale numbers.
void fill_nan(float* y, size_t count);

}  // namespace edgerun::kernels::onednn
