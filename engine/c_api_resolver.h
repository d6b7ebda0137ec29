// The C API's op resolver (edgerun.h's edgerun_op_resolver) as the engine's OpResolver.
#pragma once

#include "engine/edgerun.h"
#include "engine/op_resolver.h"

namespace edgerun {

OpResolver to_op_resolver(const edgerun_op_resolver& c_ops);

}  // namespace edgerun
