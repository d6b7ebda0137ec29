// dense/<model>/<layer>/<entry>/threads:T: every entry of kernels::dense_f32_impls() on every distinct
// Gemm / constant-weight MatMul shape of the models.
#include <cstdio>

#include "bench/bench_common.h"
#include "bench/benchmarks.h"
#include "kernels/gemm/dense.h"

namespace edgerun::bench {

namespace {

using kernels::DenseF32Impl;
using kernels::DenseShape;

void dense(benchmark::State& state, const DenseF32Impl& impl, const Layer<DenseShape>& layer) {
  const int threads = static_cast<int>(state.range(0));
  set_threads(threads);  // before create: kernels size per-thread scratch for omp_get_max_threads()
  const DenseShape& s = layer.shape;
  const auto a = random_floats(static_cast<size_t>(s.m * s.k), 1);
  const auto b = random_floats(static_cast<size_t>(s.k * s.n), 2);
  const auto bias = random_floats(static_cast<size_t>(s.n), 3);
  auto y = random_floats(static_cast<size_t>(s.m * s.n), 4);
  const auto op = impl.create(s, b.get(), layer.bias ? bias.get() : nullptr, layer.epilogue);
  if (op == nullptr) {
    state.SkipWithError("create failed");
    return;
  }
  const auto scratch = aligned_bytes(op->scratch_bytes());
  const auto start = Clock::now();
  for (auto _ : state) {
    op->run(a.get(), nullptr, y.get(), scratch.get());
    benchmark::ClobberMemory();
  }
  state.SetLabel(kernels::backend_name(impl.backend));
  report_flops(state, s.flops(), threads, layer.count, seconds_since(start));
}

}  // namespace

void register_dense_benchmarks(const std::vector<ModelLayers>& models) {
  std::vector<const DenseF32Impl*> usable;
  for (const DenseF32Impl& impl : kernels::dense_f32_impls()) {
    if (kernels::isa_usable(impl.isa) && kernels::backend_built(impl.backend)) {
      usable.push_back(&impl);
    } else {
      std::fprintf(stderr, "dense: skipping %s (%s, %s: not available here)\n", impl.name,
                   kernels::isa_name(impl.isa), kernels::backend_name(impl.backend));
    }
  }
  for (const ModelLayers& model : models) {
    for (const Layer<DenseShape>& layer : model.dense) {
      for (const DenseF32Impl* impl : usable) {
        if (impl->supports != nullptr && !impl->supports(layer.shape)) continue;
        if (skip_reference(impl == &kernels::dense_f32_impls().back(), layer.shape.flops())) continue;
        configure(benchmark::RegisterBenchmark(bench_name("dense", model.model, layer.name, impl->name).c_str(), dense,
                                               *impl, layer));
      }
#if defined(EDGERUN_BENCH_ONEDNN)
      register_onednn_dense(model.model, layer);
#endif
#if defined(EDGERUN_BENCH_XNNPACK)
      register_xnnpack_dense(model.model, layer);
#endif
    }
  }
}

}  // namespace edgerun::bench
