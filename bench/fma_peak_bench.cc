// fma_peak/<isa>/threads:T: the FP32 FMA throughput of this machine, the 100% of every peak% counter.
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
  double flops = 0;
  const auto start = Clock::now();
  for (auto _ : state) flops = run_fma_loop(loop, kIterations, threads);
  report_flops(state, flops, threads, 1, seconds_since(start));
}

}  // namespace

void register_fma_peak_benchmarks() {
  configure(benchmark::RegisterBenchmark("fma_peak/avx2", fma_peak, kernels::Isa::kAvx2, fma_loop_f32__avx2));
  configure(benchmark::RegisterBenchmark("fma_peak/avx512", fma_peak, kernels::Isa::kAvx512, fma_loop_f32__avx512));
}

}  // namespace edgerun::bench
