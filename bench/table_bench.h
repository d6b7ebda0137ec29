// What the conv2d and dense benchmarks share: timing one entry of a family's table on one layer shape,
// and registering every (model layer x runnable entry), each shape followed by the libraries run
// directly on it so that ours and theirs are measured side by side.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_common.h"
#include "bench/layer_shapes.h"
#include "kernels/backend.h"
#include "kernels/cpu_features.h"

namespace edgerun::bench {

// Element counts of an entry's operands for one shape.
struct OperandCounts {
  size_t input = 0, weights = 0, bias = 0, output = 0;
};

OperandCounts conv2d_counts(const kernels::Conv2dShape& s);
OperandCounts dense_counts(const kernels::DenseShape& s);

// Impl: Conv2dF32Impl or DenseF32Impl (create(shape, weights, bias, epilogue) -> Result of an op with
// run(x, residual, y, scratch) and scratch_bytes()). weights: counts.weights values (pruned ones, for
// the sparse benchmarks), or null for seeded random ones.
template <typename Impl, typename Shape>
void time_table_entry(benchmark::State& state, const Impl& impl, const Layer<Shape>& layer, OperandCounts counts,
                      const std::shared_ptr<const std::vector<float>>& weights = nullptr) {
  const int threads = static_cast<int>(state.range(0));
  set_threads(threads);  // before create: kernels size per-thread scratch for omp_get_max_threads()
  const auto x = random_floats(counts.input, 1);
  const auto random_w = random_floats(weights != nullptr ? 0 : counts.weights, 2);
  const float* w = weights != nullptr ? weights->data() : random_w.get();
  const auto bias = random_floats(counts.bias, 3);
  auto y = random_floats(counts.output, 4);
  auto created = impl.create(layer.shape, w, layer.bias ? bias.get() : nullptr, layer.epilogue);
  if (!created.ok()) {  // the entry refused this case (a backend library declined it)
    state.SkipWithError(("create: " + created.status().to_string()).c_str());
    return;
  }
  const auto& op = created.value();
  const auto scratch = aligned_bytes(op->scratch_bytes());
  const auto start = Clock::now();
  for (auto _ : state) {
    op->run(x.get(), nullptr, y.get(), scratch.get());
    benchmark::ClobberMemory();
  }
  state.SetLabel(kernels::backend_name(impl.backend));
  report_flops(state, layer.shape.flops(), threads, layer.count, seconds_since(start));
}

template <typename Shape>
using PeerRegistrar = void (*)(const std::string& model, const Layer<Shape>& layer);

// family/model/layer/entry for each layer of `models` (member `layers` of ModelLayers) and each entry
// of `table` the CPU can run that supports the shape (the reference entry, the table's last, only on
// small shapes unless the filter names it), then each of `peers` on that shape.
template <typename Impl, typename Shape>
void register_table_benchmarks(const char* family, const std::vector<Impl>& table,
                               const std::vector<ModelLayers>& models, std::vector<Layer<Shape>> ModelLayers::*layers,
                               OperandCounts (*counts)(const Shape&), const std::vector<PeerRegistrar<Shape>>& peers) {
  std::vector<const Impl*> runnable;
  for (const Impl& impl : table) {
    if (kernels::isa_usable(impl.isa) && kernels::backend_built(impl.backend)) {
      runnable.push_back(&impl);
    } else {
      std::fprintf(stderr, "%s: skipping %s (%s, %s: not available here)\n", family, impl.name,
                   kernels::isa_name(impl.isa), kernels::backend_name(impl.backend));
    }
  }
  for (const ModelLayers& model : models) {
    for (const Layer<Shape>& layer : model.*layers) {
      for (const Impl* impl : runnable) {
        if (impl->supports != nullptr && !impl->supports(layer.shape)) continue;
        if (skip_reference(impl == &table.back(), layer.shape.flops())) continue;
        configure(benchmark::RegisterBenchmark(bench_name(family, model.model, layer.name, impl->name).c_str(),
                                               time_table_entry<Impl, Shape>, *impl, layer, counts(layer.shape),
                                               std::shared_ptr<const std::vector<float>>()));
      }
      for (PeerRegistrar<Shape> peer : peers) peer(model.model, layer);
    }
  }
}

}  // namespace edgerun::bench
