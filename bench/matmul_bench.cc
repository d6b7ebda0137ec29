// matmul/<model>/<layer>/<entry>/threads:T: every entry of kernels::matmul_f32_impls() on every
// distinct batched MatMul of the models (attention's Q.K^T and P.V), dense row-major operands, each
// shape followed by oneDNN's batched matmul run directly (onednn_native).
#include <cstdio>

#include "bench/bench_common.h"
#include "bench/benchmarks.h"
#include "kernels/gemm/matmul.h"

namespace edgerun::bench {

namespace {

using kernels::MatMulF32Impl;

void matmul(benchmark::State& state, const MatMulF32Impl& impl, const Layer<MatMulShape>& layer) {
  const int threads = static_cast<int>(state.range(0));
  set_threads(threads);
  const MatMulShape& s = layer.shape;
  const auto a = random_floats(static_cast<size_t>(s.batch * s.m * s.k), 1);
  const auto b = random_floats(static_cast<size_t>(s.batch * s.k * s.n), 2);
  auto c = random_floats(static_cast<size_t>(s.batch * s.m * s.n), 3);
  kernels::MatMulArgs args;
  args.batch = s.batch;
  args.m = s.m;
  args.n = s.n;
  args.k = s.k;
  args.a = a.get();
  args.a_batch_stride = s.m * s.k;
  args.a_row_stride = s.k;
  args.b = b.get();
  args.b_batch_stride = s.k * s.n;
  args.b_row_stride = s.n;
  args.c = c.get();
  const auto start = Clock::now();
  for (auto _ : state) {
    impl.run(args);
    benchmark::ClobberMemory();
  }
  state.SetLabel("native");
  report_flops(state, s.flops(), threads, layer.count, seconds_since(start));
}

}  // namespace

void register_matmul_benchmarks(const std::vector<ModelLayers>& models) {
  std::vector<const MatMulF32Impl*> runnable;
  for (const MatMulF32Impl& impl : kernels::matmul_f32_impls()) {
    if (kernels::isa_usable(impl.isa)) {
      runnable.push_back(&impl);
    } else {
      std::fprintf(stderr, "matmul: skipping %s (%s: not available here)\n", impl.name, kernels::isa_name(impl.isa));
    }
  }
  for (const ModelLayers& model : models) {
    for (const Layer<MatMulShape>& layer : model.matmul) {
      for (const MatMulF32Impl* impl : runnable) {
        if (skip_reference(impl == &kernels::matmul_f32_impls().back(), layer.shape.flops())) continue;
        configure(benchmark::RegisterBenchmark(bench_name("matmul", model.model, layer.name, impl->name).c_str(),
                                               matmul, *impl, layer));
      }
#if defined(EDGERUN_BENCH_ONEDNN)
      register_onednn_matmul(model.model, layer);  // oneDNN's batched matmul beside ours
#endif
    }
  }
}

}  // namespace edgerun::bench
