#include "kernels/backend.h"

namespace edgerun::kernels {

const char* backend_name(Backend backend) {
  switch (backend) {
    case Backend::kNative: return "native";
    case Backend::kOneDnn: return "onednn";
    case Backend::kXnnpack: return "xnnpack";
  }
  return "?";
}

Result<Backend> parse_backend(const std::string& name) {
  for (Backend b : {Backend::kNative, Backend::kOneDnn, Backend::kXnnpack}) {
    if (name == backend_name(b)) {
      if (!backend_built(b)) return unsupported("backend '" + name + "' is not in this build (library not found)");
      return b;
    }
  }
  return invalid_argument("unknown backend '" + name + "' (expected native, onednn or xnnpack)");
}

bool backend_built(Backend backend) {
  switch (backend) {
    case Backend::kNative: return true;
#if defined(EDGERUN_HAVE_ONEDNN)
    case Backend::kOneDnn: return true;
#endif
#if defined(EDGERUN_HAVE_XNNPACK)
    case Backend::kXnnpack: return true;
#endif
    default: return false;
  }
}

}  // namespace edgerun::kernels
