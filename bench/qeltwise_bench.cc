// uint8 element-wise throughput: QuantizeLinear, DequantizeLinear and QLinearAdd, every runnable entry
// of each table, on an L2-resident (64 Ki elements) and a memory-bound (4 Mi elements) tensor.
// GB/s counts the bytes read and written once.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bench/bench_common.h"
#include "bench/benchmarks.h"
#include "kernels/qeltwise/qadd.h"
#include "kernels/qeltwise/quantize.h"

namespace edgerun::bench {

namespace {

const int64_t kSizes[] = {int64_t{1} << 16, int64_t{1} << 22};

std::vector<uint8_t> bytes(int64_t n, uint32_t seed) {
  std::vector<uint8_t> v(static_cast<size_t>(n));
  for (auto& b : v) b = static_cast<uint8_t>((seed = seed * 1664525u + 1013904223u) >> 24);
  return v;
}

void report_bytes(benchmark::State& state, double bytes_per_run, double seconds) {
  state.counters["GB/s"] = bytes_per_run * static_cast<double>(state.iterations()) / seconds * 1e-9;
}

template <typename Run>
void timed(benchmark::State& state, double bytes_per_run, Run&& run) {
  const auto start = Clock::now();
  for (auto _ : state) {
    run();
    benchmark::ClobberMemory();
  }
  report_bytes(state, bytes_per_run, seconds_since(start));
}

template <typename Impl, typename Register>
void each_runnable(const std::vector<Impl>& table, Register&& reg) {
  for (const Impl& impl : table) {
    if (kernels::isa_usable(impl.isa)) reg(impl);
  }
}

}  // namespace

void register_qeltwise_benchmarks() {
  for (const int64_t n : kSizes) {
    const std::string size = std::to_string(n);
    each_runnable(kernels::quantize_u8_impls(), [&](const kernels::QuantizeU8Impl& impl) {
      configure(benchmark::RegisterBenchmark(
          bench_name("qeltwise", "quantize", size, impl.name).c_str(), [&impl, n](benchmark::State& state) {
            set_threads(static_cast<int>(state.range(0)));
            const auto x = random_floats(static_cast<size_t>(n), 1);
            std::vector<uint8_t> y(static_cast<size_t>(n));
            timed(state, 5.0 * static_cast<double>(n), [&] { impl.run({n}, x.get(), 0.01f, 128, y.data()); });
          }));
    });
    each_runnable(kernels::dequantize_u8_impls(), [&](const kernels::DequantizeU8Impl& impl) {
      configure(benchmark::RegisterBenchmark(
          bench_name("qeltwise", "dequantize", size, impl.name).c_str(), [&impl, n](benchmark::State& state) {
            set_threads(static_cast<int>(state.range(0)));
            const auto x = bytes(n, 1);
            const auto y = random_floats(static_cast<size_t>(n), 1);
            timed(state, 5.0 * static_cast<double>(n), [&] { impl.run({n}, x.data(), 0.01f, 128, y.get()); });
          }));
    });
    each_runnable(kernels::qadd_u8_impls(), [&](const kernels::QAddU8Impl& impl) {
      configure(benchmark::RegisterBenchmark(
          bench_name("qeltwise", "qadd", size, impl.name).c_str(), [&impl, n](benchmark::State& state) {
            set_threads(static_cast<int>(state.range(0)));
            const auto a = bytes(n, 1), b = bytes(n, 2);
            std::vector<uint8_t> y(static_cast<size_t>(n));
            kernels::QAddParams p;
            p.a_scale = 0.02f;
            p.b_scale = 0.03f;
            p.y_scale = 0.04f;
            p.a_zero_point = p.b_zero_point = p.y_zero_point = 128;
            const kernels::QAddQuantization q = kernels::make_qadd_quantization(p).value();
            kernels::QAddShape shape;
            shape.inner = n;
            timed(state, 3.0 * static_cast<double>(n), [&] { impl.run(shape, q, a.data(), b.data(), y.data()); });
          }));
    });
  }
}

}  // namespace edgerun::bench
