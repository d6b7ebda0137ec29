// The ONNX Runtime peer of bench_engine's latency: the graph bench_engine measures (the identity's FP32
// graph, or SPTQ's QDQ graph as Session::graph() holds it, before the engine lowers it to INT8 kernels)
// timed by onnxruntime-node (bench/peer/ort_latency.js) on the same input sets, in a child process
// under the tier's limits.
//
// The child is limited the way a tier server limits itself (tools/tier/resource_limit.h): between fork
// and exec it calls limit_this_process() with the tier's CPU share and memory budget, so it runs in
// "<own cgroup>/edgerun/<tier>-<child pid>" (or under the duty-cycle watchdog) and node with everything
// it starts (ORT's threads, V8's, libuv's) inherits the limits. The parent removes the cgroup after the
// child exits. The files go to a temporary folder that is removed on every path: model.onnx, the input
// sets as .npy with a JSON list of them, ORT's outputs of run 0, and the child's stdout and stderr.
#pragma once

#include <string>
#include <vector>

#include "engine/session.h"
#include "graph/graph.h"
#include "tools/tier/resource_limit.h"

namespace edgerun {

struct OrtPeerRequest {
  const Graph* graph = nullptr;                      // the deployed model as bench_engine measures it (see above)
  std::vector<std::vector<NamedTensor>> input_sets;  // run i (warm-up counted) takes set i % size
  int warmup = 2;
  int repeats = 10;
  int threads = 1;  // ORT's intra-op threads (inter-op 1, sequential execution)
  std::string tier = "edge";
  std::string tiers_file;  // "" = the built-in tools/tier/tiers.json
  LimitMethod limit = LimitMethod::kAuto;
};

struct OrtPeerResult {
  std::vector<double> ms;  // the timed runs, in order
  // "ONNX Runtime 1.30.0, 1 intra-op thread, under edge's limits (1 CPU, 16 GiB)"
  std::string description;
  std::string limits;                // what the child's limits were, as limit_this_process reported them
  std::vector<NamedTensor> outputs;  // ORT's outputs of run 0 (input set 0), in graph output order
};

// Runs the peer. Errors: kNotFound when node, onnxruntime-node or bench/peer/ort_latency.js is missing
// (callers print "ORT row skipped: <reason>"); kInvalidArgument for a bad request or tier; kInternal
// when ORT fails (a model it cannot load: its message) or the child is killed.
Result<OrtPeerResult> run_ort_peer(const OrtPeerRequest& request);

}  // namespace edgerun
