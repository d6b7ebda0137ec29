#include "bench/bench_common.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "bench/fma_loop.h"
#include "kernels/cpu_features.h"
#include "kernels/ref/omp.h"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace edgerun::bench {

namespace {

constexpr double kReferenceMaxFlops = 1e9;

}  // namespace

BenchOptions& bench_options() {
  static BenchOptions options;
  return options;
}

FmaLoop widest_fma_loop() {
  if (kernels::isa_usable(kernels::Isa::kAvx512)) return fma_loop_f32__avx512;
  if (kernels::isa_usable(kernels::Isa::kAvx2)) return fma_loop_f32__avx2;
  return nullptr;
}

double run_fma_loop(FmaLoop loop, int64_t iterations, int threads) {
  double flops = 0;
  EDGERUN_OMP(parallel num_threads(threads) reduction(+ : flops)) {
    float sink = 0;
    flops += loop(iterations, &sink);
    benchmark::DoNotOptimize(sink);
  }
#if !defined(_OPENMP)
  (void)threads;
#endif
  return flops;
}

double fma_peak_gflops_per_core() {
  static const double peak = [] {
    if (bench_options().peak_gflops > 0) return bench_options().peak_gflops;
    const FmaLoop loop = widest_fma_loop();
    double best = 0;
    // The best of many short runs (~3 ms, under a scheduler time slice): other processes only slow it.
    for (int run = 0; loop != nullptr && run < 30; ++run) {
      const auto t0 = Clock::now();
      const double flops = run_fma_loop(loop, 500000, 1);
      best = std::max(best, flops * 1e-9 / seconds_since(t0));
    }
    return best;
  }();
  return peak;
}

std::vector<int64_t> thread_counts() {
#if defined(_OPENMP)
  return {1, 2};
#else
  return {1};
#endif
}

void set_threads(int threads) {
#if defined(_OPENMP)
  omp_set_num_threads(threads);
#else
  (void)threads;
#endif
}

void configure(benchmark::internal::Benchmark* b) {
  b->ArgName("threads");
  for (int64_t t : thread_counts()) b->Arg(t);
  b->UseRealTime()->Unit(benchmark::kMillisecond);
}

bool skip_reference(bool is_reference, double flops) {
  return is_reference && flops > kReferenceMaxFlops && !bench_options().ref_requested;
}

std::string bench_name(const std::string& family, const std::string& model, const std::string& layer,
                       const std::string& impl) {
  return family + "/" + model + "/" + layer + "/" + impl;
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

void report_flops(benchmark::State& state, double flops, int threads, int layer_count, double seconds) {
  if (seconds <= 0 || state.iterations() == 0) return;
  const double gflops = flops * static_cast<double>(state.iterations()) / seconds * 1e-9;
  state.counters["GFLOP/s"] = gflops;
  const double peak = fma_peak_gflops_per_core() * threads;
  if (peak > 0) state.counters["peak%"] = 100.0 * gflops / peak;
  state.counters["layers"] = layer_count;
}

void FreeDeleter::operator()(void* p) const { std::free(p); }

std::unique_ptr<unsigned char[], FreeDeleter> aligned_bytes(size_t count) {
  const size_t padded = (std::max<size_t>(count, 1) + 63) / 64 * 64;
  return std::unique_ptr<unsigned char[], FreeDeleter>(static_cast<unsigned char*>(std::aligned_alloc(64, padded)));
}

AlignedFloats random_floats(size_t count, uint32_t seed) {
  auto bytes = aligned_bytes(count * sizeof(float));
  AlignedFloats data(reinterpret_cast<float*>(bytes.release()));
  uint32_t state = seed * 2654435761u + 1;
  for (size_t i = 0; i < count; ++i) {
    state = state * 1664525u + 1013904223u;  // LCG: plenty for benchmark operands
    data[i] = static_cast<float>(state >> 8) * (2.0f / 16777216.0f) - 1.0f;
  }
  return data;
}

}  // namespace edgerun::bench
