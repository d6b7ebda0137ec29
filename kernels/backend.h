// Kernel providers. `native` is edgerun's own kernels; oneDNN and XNNPACK are optional backends that
// register in the same per-family tables (when the build found them) so --backend can switch.
#pragma once

#include <string>

#include "graph/status.h"

namespace edgerun::kernels {

enum class Backend : int { kNative = 0, kOneDnn = 1, kXnnpack = 2 };

const char* backend_name(Backend backend);  // "native", "onednn", "xnnpack"
Result<Backend> parse_backend(const std::string& name);
// True when this build links the backend (native always).
bool backend_built(Backend backend);

}  // namespace edgerun::kernels
