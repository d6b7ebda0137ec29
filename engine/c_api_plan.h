// The C++ side of the C API (edgerun.h) that tools share: the resolver conversion, and the one compile
// edgerun_model_load does, so `edgerun arena` reports exactly the arena a device will ask for.
#pragma once

#include <memory>

#include "engine/edgerun.h"
#include "engine/op_resolver.h"
#include "engine/plan.h"

namespace edgerun {

OpResolver to_op_resolver(const edgerun_op_resolver& c_ops);

// A .edgr graph compiled for its stored input shapes (concrete, else an error), for a caller's arena,
// with `ops`; sparse kernels off, so the kernels and the arena size never depend on a timing at load.
Result<std::unique_ptr<Plan>> compile_for_c_api(const Graph& graph, const OpResolver& ops);

}  // namespace edgerun
