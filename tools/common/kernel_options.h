// The kernel-selection options every tool shares: --backend native|onednn|xnnpack and
// --isa ref|avx2|avx512|avx512vnni (a cap, like the environment variable EDGERUN_ISA) and
// --sparse measure|off|always (pruned layers on the sparse kernels).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "engine/session.h"

namespace edgerun {

struct KernelOptions {
  std::string backend = "native";
  std::string isa;  // empty: EDGERUN_ISA, else the CPU's best
  std::string sparse = "measure";  // kernels/sparse/sparse_policy.h
};

void add_kernel_options(CLI::App& app, KernelOptions& options);

// Validates the options (and EDGERUN_ISA), sets the process's ISA cap and the session's backend.
// An ISA above what this CPU has is an error that says what the CPU has.
Status apply_kernel_options(const KernelOptions& options, SessionOptions* session);

// A tool's session options: --threads, the kernel options (applied as above) and --dim NAME=SIZE bindings.
Result<SessionOptions> make_session_options(int threads, const KernelOptions& kernel, const std::vector<std::string>& dims);

// "native kernels, ISA avx512vnni" / "onednn backend (native for other ops), ISA avx2 (capped)".
std::string describe_kernel_options(const SessionOptions& session);

}  // namespace edgerun
