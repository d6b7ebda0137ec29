#include "tools/common/kernel_options.h"

#include "kernels/cpu_features.h"
#include "tools/common/model_inputs.h"

namespace edgerun {

void add_kernel_options(CLI::App& app, KernelOptions& options) {
  app.add_option("--backend", options.backend, "kernel provider: native, onednn or xnnpack (other ops run native)")
      ->capture_default_str();
  app.add_option("--isa", options.isa,
                 "cap the kernels' instruction set: ref, avx2, avx512 or avx512vnni "
                 "(default: EDGERUN_ISA, else the CPU's best)");
  app.add_option("--sparse", options.sparse,
                 "pruned layers on the sparse kernels: measure (when timed faster at load), off, always")
      ->capture_default_str();
}

Status apply_kernel_options(const KernelOptions& options, SessionOptions* session) {
  ASSIGN_OR_RETURN(kernels::Isa env_cap, kernels::isa_cap_from_environment());
  kernels::Isa cap = env_cap;
  if (!options.isa.empty()) {
    ASSIGN_OR_RETURN(cap, kernels::parse_isa(options.isa));
  }
  const kernels::Isa best = kernels::cpu_features().best;
  if (static_cast<int>(cap) > static_cast<int>(best)) {
    return invalid_argument(std::string("ISA ") + kernels::isa_name(cap) + " is not available: this CPU's best is " +
                            kernels::isa_name(best));
  }
  kernels::set_isa_cap(cap);
  ASSIGN_OR_RETURN(session->backend, kernels::parse_backend(options.backend));
  ASSIGN_OR_RETURN(session->sparse, kernels::parse_sparse_kernels(options.sparse));
  return Status::Ok();
}

Result<SessionOptions> make_session_options(int threads, const KernelOptions& kernel, const std::vector<std::string>& dims) {
  SessionOptions options;
  options.threads = threads;
  RETURN_IF_ERROR(apply_kernel_options(kernel, &options));
  ASSIGN_OR_RETURN(options.dim_bindings, parse_dim_bindings(dims));
  return options;
}

std::string describe_kernel_options(const SessionOptions& session) {
  const kernels::Isa active = kernels::active_isa();
  std::string text = session.backend == kernels::Backend::kNative
                         ? std::string("native kernels")
                         : std::string(kernels::backend_name(session.backend)) + " backend (native for other ops)";
  text += std::string(", ISA ") + kernels::isa_name(active);
  if (active != kernels::cpu_features().best) text += " (capped)";
  if (session.sparse != kernels::SparseKernels::kMeasure) {
    text += std::string(", sparse kernels ") + kernels::sparse_kernels_name(session.sparse);
  }
  return text;
}

}  // namespace edgerun
