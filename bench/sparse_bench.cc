// sparse_conv2d_2x1/<model>/<layer>/<entry>/threads:T and sparse_dense_4x1/...: the white-box study's
// pruning (convolutions: 2x1 blocks at 75%, dense layers: 4x1 at 90%; magnitude masks of
// operators/prune on seeded random weights) on every distinct layer shape of the models. Per shape, the
// native dense entry the engine would pick for the unpruned layer, then every sparse entry
// (kernels/sparse) on the same pruned weights, then XNNPACK's SpMM (its NCHW 1x1 convolution, which
// stores pruned weights sparse) where it applies. bench/sparse_summary.py turns the JSON into the
// sparse vs dense table.
#include <map>
#include <memory>
#include <mutex>

#include "bench/benchmarks.h"
#include "bench/table_bench.h"
#include "kernels/dispatch.h"
#include "kernels/sparse/conv2d_sparse.h"
#include "kernels/sparse/dense_sparse.h"
#include "operators/prune/prune_masks.h"

namespace edgerun::bench {

namespace {

using Weights = std::shared_ptr<const std::vector<float>>;

// The [rows = output channels or features, cols] view of a layer's weights: w(r, c) at
// r * row_stride + c * col_stride.
struct WeightView {
  int64_t rows, cols, row_stride, col_stride;
};

WeightView conv_view(const kernels::Conv2dShape& s) {
  const int64_t depth = s.in_channels_per_group() * s.kernel_h * s.kernel_w;
  return {s.out_channels, depth, depth, 1};
}

WeightView dense_view(const kernels::DenseShape& s) {
  return s.transpose_b ? WeightView{s.n, s.k, s.k, 1} : WeightView{s.n, s.k, 1, s.n};
}

// Seeded random weights (time_table_entry's seed) pruned by magnitude in `pattern` at `sparsity`.
Weights pruned_weights(const WeightView& v, const prune::Pattern& pattern, double sparsity) {
  const auto random = random_floats(static_cast<size_t>(v.rows * v.cols), 2);
  std::vector<float> matrix(static_cast<size_t>(v.rows * v.cols));
  for (int64_t r = 0; r < v.rows; ++r) {
    for (int64_t c = 0; c < v.cols; ++c) matrix[r * v.cols + c] = random[r * v.row_stride + c * v.col_stride];
  }
  auto mask = prune::layer_mask({matrix.data(), v.rows, v.cols}, pattern, sparsity);
  auto w = std::make_shared<std::vector<float>>(random.get(), random.get() + v.rows * v.cols);
  for (int64_t r = 0; r < v.rows; ++r) {
    for (int64_t c = 0; c < v.cols; ++c) {
      if (mask.ok() && mask.value()[r * v.cols + c] == 0) (*w)[r * v.row_stride + c * v.col_stride] = 0.0f;
    }
  }
  return w;
}

// The pruned weights of a benchmark's layer, made once per layer: Google Benchmark calls a benchmark
// function several times while it settles the iteration count.
Weights cached_pruned_weights(const std::string& key, const WeightView& v, const prune::Pattern& pattern,
                              double sparsity) {
  static std::mutex mutex;
  static std::map<std::string, Weights> cache;
  const std::lock_guard<std::mutex> lock(mutex);
  Weights& w = cache[key];
  if (w == nullptr) w = pruned_weights(v, pattern, sparsity);
  return w;
}

template <typename Impl, typename Shape>
void time_pruned_entry(benchmark::State& state, const Impl& impl, const Layer<Shape>& layer, OperandCounts counts,
                       std::string key, WeightView view, prune::Pattern pattern, double sparsity) {
  time_table_entry(state, impl, layer, counts, cached_pruned_weights(key, view, pattern, sparsity));
}

template <typename Impl, typename Shape>
void register_sparse_family(const char* family, const std::vector<Impl>& dense_table,
                            const std::vector<Impl>& sparse_table, const std::vector<ModelLayers>& models,
                            std::vector<Layer<Shape>> ModelLayers::*layers, OperandCounts (*counts)(const Shape&),
                            WeightView (*view)(const Shape&), const char* pattern_name, double sparsity,
                            PeerRegistrar<Shape> peer) {
  const prune::Pattern pattern = prune::parse_pattern(pattern_name).value();
  for (const ModelLayers& model : models) {
    for (const Layer<Shape>& layer : model.*layers) {
      std::vector<const Impl*> entries;
      if (const Impl* dense = kernels::choose_impl(dense_table, layer.shape, kernels::Backend::kNative)) {
        entries.push_back(dense);
      }
      for (const Impl& impl : sparse_table) {
        if (!kernels::isa_usable(impl.isa) || (impl.supports != nullptr && !impl.supports(layer.shape))) continue;
        if (skip_reference(&impl == &sparse_table.back(), layer.shape.flops())) continue;
        entries.push_back(&impl);
      }
      if (entries.size() < 2) continue;  // no sparse kernel for the shape (depthwise)
      const std::string key = std::string(family) + "/" + model.model + "/" + layer.name;
      for (const Impl* impl : entries) {
        configure(benchmark::RegisterBenchmark(bench_name(family, model.model, layer.name, impl->name).c_str(),
                                               time_pruned_entry<Impl, Shape>, *impl, layer, counts(layer.shape),
                                               key, view(layer.shape), pattern, sparsity));
      }
      if (peer != nullptr) peer(model.model, layer);
    }
  }
}

}  // namespace

std::shared_ptr<const std::vector<float>> study_pruned_conv_weights(const std::string& model,
                                                                    const Layer<kernels::Conv2dShape>& layer) {
  return cached_pruned_weights("sparse_conv2d_2x1/" + model + "/" + layer.name, conv_view(layer.shape),
                               prune::parse_pattern("2x1").value(), 0.75);
}

void register_sparse_benchmarks(const std::vector<ModelLayers>& models) {
  PeerRegistrar<kernels::Conv2dShape> conv_peer = nullptr;
#if defined(EDGERUN_BENCH_XNNPACK)
  conv_peer = register_xnnpack_sparse_conv2d;
#endif
  register_sparse_family("sparse_conv2d_2x1", kernels::conv2d_f32_impls(), kernels::conv2d_sparse_f32_impls(), models,
                         &ModelLayers::conv, conv2d_counts, conv_view, "2x1", 0.75, conv_peer);
  register_sparse_family("sparse_dense_4x1", kernels::dense_f32_impls(), kernels::dense_sparse_f32_impls(), models,
                         &ModelLayers::dense, dense_counts, dense_view, "4x1", 0.9,
                         static_cast<PeerRegistrar<kernels::DenseShape>>(nullptr));
}

}  // namespace edgerun::bench
