// conv2d/<model>/<layer>/<entry>/threads:T: every entry of kernels::conv2d_f32_impls() (each ISA
// variant, the oneDNN and XNNPACK backend entries) on every distinct conv shape of the models.
#include <cstdio>

#include "bench/bench_common.h"
#include "bench/benchmarks.h"
#include "kernels/conv/conv2d.h"

namespace edgerun::bench {

namespace {

using kernels::Conv2dF32Impl;
using kernels::Conv2dShape;

void conv2d(benchmark::State& state, const Conv2dF32Impl& impl, const Layer<Conv2dShape>& layer) {
  const int threads = static_cast<int>(state.range(0));
  set_threads(threads);  // before create: kernels size per-thread scratch for omp_get_max_threads()
  const Conv2dShape& s = layer.shape;
  const auto x = random_floats(static_cast<size_t>(s.batch * s.in_channels * s.in_h * s.in_w), 1);
  const auto w = random_floats(
      static_cast<size_t>(s.out_channels * s.in_channels_per_group() * s.kernel_h * s.kernel_w), 2);
  const auto bias = random_floats(static_cast<size_t>(s.out_channels), 3);
  auto y = random_floats(static_cast<size_t>(s.batch * s.out_channels * s.out_h * s.out_w), 4);
  const auto conv = impl.create(s, w.get(), layer.bias ? bias.get() : nullptr, layer.epilogue);
  if (conv == nullptr) {
    state.SkipWithError("create failed");
    return;
  }
  const auto scratch = aligned_bytes(conv->scratch_bytes());
  const auto start = Clock::now();
  for (auto _ : state) {
    conv->run(x.get(), nullptr, y.get(), scratch.get());
    benchmark::ClobberMemory();
  }
  state.SetLabel(kernels::backend_name(impl.backend));
  report_flops(state, s.flops(), threads, layer.count, seconds_since(start));
}

}  // namespace

void register_conv2d_benchmarks(const std::vector<ModelLayers>& models) {
  std::vector<const Conv2dF32Impl*> usable;
  for (const Conv2dF32Impl& impl : kernels::conv2d_f32_impls()) {
    if (kernels::isa_usable(impl.isa) && kernels::backend_built(impl.backend)) {
      usable.push_back(&impl);
    } else {
      std::fprintf(stderr, "conv2d: skipping %s (%s, %s: not available here)\n", impl.name,
                   kernels::isa_name(impl.isa), kernels::backend_name(impl.backend));
    }
  }
  for (const ModelLayers& model : models) {
    for (const Layer<Conv2dShape>& layer : model.conv) {
      for (const Conv2dF32Impl* impl : usable) {
        if (impl->supports != nullptr && !impl->supports(layer.shape)) continue;
        if (skip_reference(impl == &kernels::conv2d_f32_impls().back(), layer.shape.flops())) continue;
        configure(benchmark::RegisterBenchmark(bench_name("conv2d", model.model, layer.name, impl->name).c_str(), conv2d,
                                               *impl, layer));
      }
#if defined(EDGERUN_BENCH_ONEDNN)
      register_onednn_conv2d(model.model, layer);
#endif
#if defined(EDGERUN_BENCH_XNNPACK)
      register_xnnpack_conv2d(model.model, layer);
#endif
    }
  }
}

}  // namespace edgerun::bench
