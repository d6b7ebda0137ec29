// qconv2d/<model>/<layer>/<entry>/threads:T: every entry of kernels::qconv2d_impls() on every distinct
// conv shape of the models as QLinearConv (uint8 in, uint8 out, the layer's ReLU as lo = zero point),
// each shape followed by oneDNN's int8 convolution run directly (onednn_native) when built with it.
// Counters: GOP/s (2 per multiply-add) and vnni% of the measured vpdpbusd peak (vnni_peak below).
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "bench/benchmarks.h"
#include "bench/table_bench.h"
#include "bench/vnni_loop.h"
#include "kernels/qconv/qconv2d.h"
#include "kernels/qconv/qconv2d_gemm.h"
#include "kernels/ref/omp.h"

namespace edgerun::bench {

namespace {

using kernels::Conv2dShape;
using kernels::QConv2dImpl;

double run_vnni_loop(int64_t iterations, int threads) {
  double ops = 0;
  EDGERUN_OMP(parallel num_threads(threads) reduction(+ : ops)) {
    int32_t sink = 0;
    ops += vnni_loop_u8s8__avx512vnni(iterations, &sink);
    benchmark::DoNotOptimize(sink);
  }
#if !defined(_OPENMP)
  (void)threads;
#endif
  return ops;
}

// One core's vpdpbusd peak in GOP/s, the best of 30 short runs; 0 without VNNI.
double vnni_peak_gops_per_core() {
  static const double peak = [] {
    double best = 0;
    for (int run = 0; kernels::isa_usable(kernels::Isa::kAvx512Vnni) && run < 30; ++run) {
      const auto t0 = Clock::now();
      const double ops = run_vnni_loop(200000, 1);
      best = std::max(best, ops * 1e-9 / seconds_since(t0));
    }
    return best;
  }();
  return peak;
}

}  // namespace

void report_int8_ops(benchmark::State& state, double ops, int threads, int layer_count, double seconds) {
  if (seconds <= 0 || state.iterations() == 0) return;
  const double gops = ops * static_cast<double>(state.iterations()) / seconds * 1e-9;
  state.counters["GOP/s"] = gops;
  const double peak = vnni_peak_gops_per_core() * threads;
  if (peak > 0) state.counters["vnni%"] = 100.0 * gops / peak;
  state.counters["layers"] = layer_count;
}

namespace {

void vnni_peak(benchmark::State& state) {
  if (!kernels::isa_usable(kernels::Isa::kAvx512Vnni)) {
    state.SkipWithError("the CPU (or EDGERUN_ISA) does not allow avx512vnni");
    return;
  }
  const int threads = static_cast<int>(state.range(0));
  double ops = 0, fastest = 1e30;
  const auto start = Clock::now();
  for (auto _ : state) {
    const auto t0 = Clock::now();
    ops = run_vnni_loop(1000000, threads);
    fastest = std::min(fastest, seconds_since(t0));
  }
  report_int8_ops(state, ops, threads, 1, seconds_since(start));
  state.counters["best_GOP/s"] = ops / fastest * 1e-9;
}

std::vector<uint8_t> random_bytes(size_t n, uint32_t seed) {
  std::vector<uint8_t> v(n);
  uint32_t state = seed * 2654435761u + 1;
  for (uint8_t& b : v) b = static_cast<uint8_t>((state = state * 1664525u + 1013904223u) >> 24);
  return v;
}

using Create = std::function<Result<std::unique_ptr<kernels::QConv2d>>(const Conv2dShape&, const int8_t*,
                                                                      const kernels::QConv2dParams&)>;

void time_qconv2d(benchmark::State& state, const Create& create, const char* label, const Layer<Conv2dShape>& layer) {
  const int threads = static_cast<int>(state.range(0));
  set_threads(threads);  // before create: kernels size per-thread scratch for omp_get_max_threads()
  const Conv2dShape& s = layer.shape;
  const auto x = random_bytes(static_cast<size_t>(s.batch * s.in_channels * s.in_h * s.in_w), 1);
  const auto w = random_bytes(static_cast<size_t>(s.out_channels * s.in_channels_per_group() * s.kernel_h * s.kernel_w), 2);
  std::vector<uint8_t> y(static_cast<size_t>(s.batch * s.out_channels * s.out_h * s.out_w));
  kernels::QConv2dParams params;
  params.x_zero_point = 128;
  params.output.scale.assign(static_cast<size_t>(s.out_channels), 1.0f / 4096);
  if (layer.bias) params.output.bias.assign(static_cast<size_t>(s.out_channels), 100);
  params.output.zero_point = 10;
  if (layer.epilogue.min == 0) params.output.lo = 10;
  auto created = create(s, reinterpret_cast<const int8_t*>(w.data()), params);
  if (!created.ok()) {
    state.SkipWithError(("create: " + created.status().to_string()).c_str());
    return;
  }
  const auto& op = created.value();
  const auto scratch = aligned_bytes(op->scratch_bytes());
  const auto start = Clock::now();
  for (auto _ : state) {
    op->run(x.data(), nullptr, y.data(), scratch.get());
    benchmark::ClobberMemory();
  }
  state.SetLabel(label);
  report_int8_ops(state, s.flops(), threads, layer.count, seconds_since(start));
}

}  // namespace

void register_qconv2d_benchmarks(const std::vector<ModelLayers>& models) {
  configure(benchmark::RegisterBenchmark("vnni_peak/avx512vnni", vnni_peak));
  const auto& table = kernels::qconv2d_impls();
  for (const ModelLayers& model : models) {
    for (const Layer<Conv2dShape>& layer : model.conv) {
      for (const QConv2dImpl& impl : table) {
        if (!kernels::isa_usable(impl.isa) || !kernels::backend_built(impl.backend)) continue;
        if (impl.supports != nullptr && !impl.supports(layer.shape)) continue;
        if (skip_reference(&impl == &table.back(), layer.shape.flops())) continue;
        configure(benchmark::RegisterBenchmark(bench_name("qconv2d", model.model, layer.name, impl.name).c_str(),
                                               time_qconv2d, Create(impl.create), kernels::backend_name(impl.backend),
                                               layer));
      }
      // Each tile of the VNNI GEMM entry (the entry runs the first), to compare them side by side.
      for (const kernels::QConvTile& tile : kernels::qconv2d_tiles(kernels::Isa::kAvx512Vnni)) {
        if (!kernels::isa_usable(kernels::Isa::kAvx512Vnni)) break;
        const std::string name = std::string("qs8_conv2d_gemm_") + tile.name + "__avx512vnni";
        configure(benchmark::RegisterBenchmark(
            bench_name("qconv2d_tile", model.model, layer.name, name).c_str(), time_qconv2d,
            Create([&tile](const Conv2dShape& shape, const int8_t* w, const kernels::QConv2dParams& p) {
              return kernels::create_qconv2d_gemm_tile(shape, tile, w, p);
            }),
            "native", layer));
      }
#if defined(EDGERUN_BENCH_ONEDNN)
      register_onednn_qconv2d(model.model, layer);
#endif
    }
  }
}

}  // namespace edgerun::bench
