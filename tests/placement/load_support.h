// Shared by the tier server's load and fault tests (load_test.cc, fault_test.cc): the server under test,
// a few seeded inputs with this process's own outputs for them, the exact comparison of an answer,
// latency percentiles.
#pragma once

#include <string>
#include <vector>

#include "engine/session.h"
#include "tools/placement/tier_process.h"
#include "tools/serve/tier_client.h"

namespace edgerun {

// One edgerun-serve (the build's EDGERUN_SERVE_BINARY) serving `model` as `name` with `server_args`
// added, answering its health check.
struct ServedProcess {
  std::unique_ptr<TierProcess> process;
  serve::Endpoint endpoint;
};
Result<ServedProcess> start_served(const std::string& model, const std::string& name,
                                   const std::vector<std::string>& server_args = {});

// inputs[i] (seed i + 1) and expected[i], the local session's outputs for it.
struct Cases {
  std::vector<std::vector<NamedTensor>> inputs, expected;
};

// `n` seeded inputs of `session` and its outputs; an error when two inputs give the same outputs (then an
// answer crossed between concurrent requests would not show).
Result<Cases> make_cases(Session& session, int n);

// The same names, dtypes, shapes and bytes.
bool same_bits(const std::vector<NamedTensor>& a, const std::vector<NamedTensor>& b);

// Nearest-rank percentile q (0..1) of sorted, non-empty samples.
double percentile(const std::vector<double>& sorted, double q);

}  // namespace edgerun
