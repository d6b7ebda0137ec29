// fma_peak/<isa>/threads:T: the FP32 FMA throughput of this machine, the 100% of every peak% counter.
#include <algorithm>

#include "bench/bench_common.h"
#include "bench/benchmarks.h"
#include "bench/fma_loop.h"
#include "kernels/cpu_features.h"

namespace edgerun::bench {

namespace {

void fma_peak(benchmark::State& state, kernels::Isa isa, FmaLoop loop) {
  if (!kernels::isa_usable(isa)) {
    state.SkipWithError((std::string("the CPU (or EDGERUN_ISA) does not allow ") + kernels::isa_name(isa)).c_str());
    return;
  }
  const int threads = static_cast<int>(state.range(0));
  constexpr int64_t kIterations = 1000000;
  double flops = 0, fastest = 1e30;
  const auto start = Clock::now();
  for (auto _ : state) {
    const auto t0 = Clock::now();
    flops = run_fma_loop(loop, kIterations, threads);
    fastest = std::min(fastest, seconds_since(t0));
  }
  report_flops(state, flops, threads, 1, seconds_since(start));
  // The fastest iteration: on a shared machine the mean includes time slices lost to other processes.
  state.counters["best_GFLOP/s"] = flops / fastest * 1e-9;
}

}  // namespace

void register_fma_peak_benchmarks() {
  configure(benchmark::RegisterBenchmark("fma_peak/avx2", fma_peak, kernels::Isa::kAvx2, fma_loop_f32__avx2));
  configure(benchmark::RegisterBenchmark("fma_peak/avx512", fma_peak, kernels::Isa::kAvx512, fma_loop_f32__avx512));
}

}  // namespace edgerun::bench
