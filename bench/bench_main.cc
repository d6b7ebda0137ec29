// edgerun_kernel_bench: Google Benchmark over the kernel families on the zoo's layer shapes.
//
//   edgerun_kernel_bench [--models=resnet50,bert] [--peak_gflops=116] [--zoo_dir=DIR] [--benchmark_...]
//
// --models (or the environment variable EDGERUN_BENCH_MODELS) picks the models; "fcn:dilated" keeps
// only FCN's dilated convolutions. --peak_gflops gives the per-core FMA peak instead of measuring it at
// start-up. Names are family/model/layer/kernel/threads:T, so --benchmark_filter selects by any part.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bench/bench_common.h"
#include "bench/benchmarks.h"
#include "kernels/cpu_features.h"

using namespace edgerun;

namespace {

const char* const kDefaultModels = "resnet50,resnext-student,mobilenetv2,fcn:dilated,bert";

// Takes "--name=value" out of argv (Google Benchmark rejects flags it does not know).
bool take_flag(int* argc, char** argv, const char* name, std::string* value) {
  const size_t len = std::strlen(name);
  for (int i = 1; i < *argc; ++i) {
    if (std::strncmp(argv[i], name, len) == 0 && argv[i][len] == '=') {
      *value = argv[i] + len + 1;
      for (int j = i; j + 1 < *argc; ++j) argv[j] = argv[j + 1];
      --*argc;
      return true;
    }
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  bench::BenchOptions& options = bench::bench_options();
  options.zoo_dir = EDGERUN_ZOO_DIR;
  options.models = std::getenv("EDGERUN_BENCH_MODELS") ? std::getenv("EDGERUN_BENCH_MODELS") : kDefaultModels;
  std::string peak;
  take_flag(&argc, argv, "--models", &options.models);
  take_flag(&argc, argv, "--zoo_dir", &options.zoo_dir);
  if (take_flag(&argc, argv, "--peak_gflops", &peak)) options.peak_gflops = std::atof(peak.c_str());
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--benchmark_filter=", 19) == 0 && std::strstr(argv[i], "ref") != nullptr) {
      options.ref_requested = true;
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  auto isa_cap = kernels::isa_cap_from_environment();
  if (!isa_cap.ok()) {
    std::fprintf(stderr, "edgerun_kernel_bench: %s\n", isa_cap.status().to_string().c_str());
    return 1;
  }

  auto models = bench::read_zoo_layers(options.zoo_dir, options.models);
  if (!models.ok()) {
    std::fprintf(stderr, "edgerun_kernel_bench: %s\n", models.status().to_string().c_str());
    return 1;
  }
  const double peak_gflops = bench::fma_peak_gflops_per_core();
  benchmark::AddCustomContext("edgerun_isa", kernels::isa_name(kernels::active_isa()));
  benchmark::AddCustomContext("fma_peak_gflops_per_core", std::to_string(peak_gflops));
  benchmark::AddCustomContext("models", options.models);

  bench::register_fma_peak_benchmarks();
  bench::register_conv2d_benchmarks(models.value());
  bench::register_dense_benchmarks(models.value());
  bench::register_matmul_benchmarks(models.value());
  bench::register_qgemm_benchmarks(models.value());
  bench::register_qeltwise_benchmarks();
  bench::register_qconv2d_benchmarks(models.value());
  bench::register_sparse_benchmarks(models.value());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
