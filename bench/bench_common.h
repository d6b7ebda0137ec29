// What the kernel benchmarks share: options from the command line, the measured FMA peak, thread
// control, deterministic operands, and the counters every benchmark reports.
#pragma once

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace edgerun::bench {

struct BenchOptions {
  std::string zoo_dir;         // tests/data/zoo
  std::string models;          // comma separated
  double peak_gflops = 0;      // per core; 0: measure at start-up
  bool ref_requested = false;  // --benchmark_filter names a reference entry: run it on big shapes too
};

BenchOptions& bench_options();

// FP32 FMA peak of one core in GFLOP/s: bench_options().peak_gflops when set, else the best of 30
// short runs of the widest FMA loop the CPU (capped by EDGERUN_ISA) can execute, measured on first call.
// 0 when the CPU has no FMA.
double fma_peak_gflops_per_core();
// The widest FMA loop (bench/fma_loop.h) the CPU, capped by EDGERUN_ISA, can run; null without FMA.
using FmaLoop = double (*)(int64_t iterations, float* sink);
FmaLoop widest_fma_loop();
// Runs `loop` on each of `threads` threads; returns the flops done by all.
double run_fma_loop(FmaLoop loop, int64_t iterations, int threads);

// The thread counts every kernel benchmark runs with (1 and 2; 1 only without OpenMP).
std::vector<int64_t> thread_counts();
void set_threads(int threads);

// Registers the thread counts as the "threads" argument, wall-clock timing (kernels thread with
// OpenMP) and milliseconds.
void configure(benchmark::internal::Benchmark* b);

// Reference entries are slow: on shapes above this many flops they run only when asked by name.
bool skip_reference(bool is_reference, double flops);

// "family/model/layer/impl" (Google Benchmark appends "/threads:T/real_time").
std::string bench_name(const std::string& family, const std::string& model, const std::string& layer,
                       const std::string& impl);

// Wall-clock seconds since start; the benchmarks time their loop with it for the counters.
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start);

// Counters: GFLOP/s (flops per iteration x iterations / the loop's wall time), peak% (of the per-core
// peak x threads) and the number of the model's layers with this shape. Plain numbers, computed here,
// so the console shows them without the "/s" of Google Benchmark's rate counters.
void report_flops(benchmark::State& state, double flops, int threads, int layer_count, double seconds);

// 64-byte aligned floats, uniform in [-1, 1) from a fixed seed.
struct FreeDeleter {
  void operator()(void* p) const;
};
using AlignedFloats = std::unique_ptr<float[], FreeDeleter>;
AlignedFloats random_floats(size_t count, uint32_t seed);
std::unique_ptr<unsigned char[], FreeDeleter> aligned_bytes(size_t count);

}  // namespace edgerun::bench
