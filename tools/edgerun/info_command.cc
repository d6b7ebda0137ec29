// edgerun info: this machine's CPU features, the ISA cap, the backends of this build and the kernel
// each family would run.
#include <cstdio>
#include <cstdlib>

#include "kernels/cpu_features.h"
#include "kernels/kernel_catalog.h"
#include "tools/common/kernel_options.h"
#include "tools/edgerun/commands.h"

#if defined(EDGERUN_HAVE_OPENMP)
#include <omp.h>
#endif

namespace edgerun::cli {

namespace {

int info(const KernelOptions& options) {
  SessionOptions session;
  if (Status st = apply_kernel_options(options, &session); !st.ok()) {
    std::fprintf(stderr, "edgerun info: %s\n", st.to_string().c_str());
    return 1;
  }
  const kernels::CpuFeatures& f = kernels::cpu_features();
  std::printf("cpu        %s (%s)\n", f.brand.c_str(), f.vendor.c_str());
  std::printf("features  ");
  const std::pair<const char*, bool> flags[] = {{"sse4.2", f.sse42},      {"avx", f.avx},
                                                {"avx2", f.avx2},         {"fma", f.fma},
                                                {"f16c", f.f16c},         {"avx512f", f.avx512f},
                                                {"avx512bw", f.avx512bw}, {"avx512dq", f.avx512dq},
                                                {"avx512vl", f.avx512vl}, {"avx512vnni", f.avx512vnni}};
  for (const auto& [name, present] : flags) {
    if (present) std::printf(" %s", name);
  }
  std::printf("\nisa        best %s; active %s", kernels::isa_name(f.best), kernels::isa_name(kernels::active_isa()));
  const char* env = std::getenv("EDGERUN_ISA");
  if (!options.isa.empty()) {
    std::printf(" (--isa %s)\n", options.isa.c_str());
  } else if (env != nullptr && *env != '\0') {
    std::printf(" (EDGERUN_ISA=%s)\n", env);
  } else {
    std::printf(" (cap it with --isa or EDGERUN_ISA)\n");
  }
  std::printf("backends  ");
  for (kernels::Backend b : {kernels::Backend::kNative, kernels::Backend::kOneDnn, kernels::Backend::kXnnpack}) {
    if (kernels::backend_built(b)) std::printf(" %s", kernels::backend_name(b));
  }
#if defined(EDGERUN_HAVE_OPENMP)
  std::printf("\nthreads    OpenMP, up to %d\n", omp_get_max_threads());
#else
  std::printf("\nthreads    none (built without OpenMP)\n");
#endif
  std::printf("kernels    chosen for backend %s\n", kernels::backend_name(session.backend));
  for (const kernels::KernelChoice& c : kernels::describe_kernel_choices(session.backend)) {
    std::printf("  %-8s %-40s %s\n", c.family.c_str(), c.example.c_str(), c.kernel.c_str());
  }
  return 0;
}

}  // namespace

std::function<int()> add_info_command(CLI::App& app) {
  auto options = std::make_shared<KernelOptions>();
  CLI::App* cmd = app.add_subcommand("info", "CPU features, ISA cap, backends and the kernel chosen per family");
  add_kernel_options(*cmd, *options);
  return [options] { return info(*options); };
}

}  // namespace edgerun::cli
