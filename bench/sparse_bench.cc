// sparse_conv2d_2x1/<model>/<layer>/<entry>/threads:T and sparse_dense_4x1/... (FP32), sparse_qconv2d_2x1
// and sparse_qgemm_4x1 (INT8: the same pruned weights as int8, uint8 output): the white-box study's
// pruning (convolutions: 2x1 blocks at 75%, dense layers: 4x1 at 90%; magnitude masks of
// operators/prune on seeded random weights) on every distinct layer shape of the models. Per shape, the
// native dense entry the engine would pick for the unpruned layer, then every sparse entry
// (kernels/sparse) on the same pruned weights, then XNNPACK's SpMM (its NCHW 1x1 convolution, which
// stores pruned weights sparse) where it applies. bench/sparse_summary.py turns the JSON into the
// sparse vs dense table.
#include <cmath>
#include <map>
#include <memory>
#include <mutex>

#include "bench/benchmarks.h"
#include "bench/table_bench.h"
#include "kernels/dispatch.h"
#include "kernels/qconv/qconv2d.h"
#include "kernels/qgemm/qgemm.h"
#include "kernels/sparse/qconv2d_sparse.h"
#include "kernels/sparse/qgemm_sparse.h"
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

// The pruned weights as int8 (x 127: the random weights lie in [-1, 1)), laid out [rows, cols] of the view
// (OIHW for a conv); `transposed` stores them [cols, rows] instead (the qgemm family's b [k, n]).
std::vector<int8_t> int8_weights(const std::vector<float>& w, const WeightView& v, bool transposed) {
  std::vector<int8_t> q(w.size());
  for (int64_t r = 0; r < v.rows; ++r) {
    for (int64_t c = 0; c < v.cols; ++c) {
      const auto value = static_cast<int8_t>(std::lround(w[r * v.row_stride + c * v.col_stride] * 127.0f));
      q[transposed ? c * v.rows + r : r * v.cols + c] = value;
    }
  }
  return q;
}

// Times run(x, nullptr, y, scratch) of an INT8 op on random uint8 input.
template <typename Op>
void time_int8_op(benchmark::State& state, Result<std::unique_ptr<Op>> created, size_t x_count, size_t y_count,
                  double ops, int threads, int layer_count) {
  if (!created.ok()) {
    state.SkipWithError(("create: " + created.status().to_string()).c_str());
    return;
  }
  const Op& op = *created.value();
  const auto x = aligned_bytes(x_count);
  for (size_t i = 0; i < x_count; ++i) x[i] = static_cast<unsigned char>(i * 2654435761u >> 24);
  const auto y = aligned_bytes(y_count);
  const auto scratch = aligned_bytes(op.scratch_bytes());
  const auto start = Clock::now();
  for (auto _ : state) {
    op.run(x.get(), nullptr, y.get(), scratch.get());
    benchmark::ClobberMemory();
  }
  state.SetLabel("native");
  report_int8_ops(state, ops, threads, layer_count, seconds_since(start));
}

kernels::QuantOutput int8_output(int64_t channels) {
  kernels::QuantOutput out;
  out.scale.assign(static_cast<size_t>(channels), 1.0f / 65536.0f);
  out.zero_point = 128;
  return out;
}

kernels::QGemmShape qgemm_shape(const kernels::DenseShape& s) { return {s.m, s.n, s.k}; }

void time_qconv(benchmark::State& state, const kernels::QConv2dImpl& impl, const Layer<kernels::Conv2dShape>& layer,
                std::string key) {
  const int threads = static_cast<int>(state.range(0));
  set_threads(threads);
  const kernels::Conv2dShape& s = layer.shape;
  const WeightView v = conv_view(s);
  const auto w = int8_weights(*cached_pruned_weights(key, v, prune::parse_pattern("2x1").value(), 0.75), v, false);
  kernels::QConv2dParams params;
  params.x_zero_point = 128;
  params.output = int8_output(s.out_channels);
  time_int8_op(state, impl.create(s, w.data(), params), static_cast<size_t>(s.batch * s.in_channels * s.in_h * s.in_w),
               static_cast<size_t>(s.batch * s.out_channels * s.out_h * s.out_w), s.flops(), threads, layer.count);
}

void time_qgemm(benchmark::State& state, const kernels::QGemmU8S8Impl& impl, const Layer<kernels::DenseShape>& layer,
                std::string key) {
  const int threads = static_cast<int>(state.range(0));
  set_threads(threads);
  const kernels::DenseShape& s = layer.shape;
  const WeightView v = dense_view(s);
  const auto b = int8_weights(*cached_pruned_weights(key, v, prune::parse_pattern("4x1").value(), 0.9), v, true);
  time_int8_op(state, impl.create(qgemm_shape(s), b.data(), 128, int8_output(s.n)), static_cast<size_t>(s.m * s.k),
               static_cast<size_t>(s.m * s.n), s.flops(), threads, layer.count);
}

kernels::Conv2dShape same_shape(const kernels::Conv2dShape& s) { return s; }

// The INT8 family's native dense entry for the shape (the family's shape of a layer: family_shape) and
// every usable sparse entry but the reference, on the FP32 family's pruned weights (its cache key).
template <typename Impl, typename Shape, typename FamilyShape, typename Time>
void register_int8_family(const char* family, const char* fp32_family, const std::vector<Impl>& dense_table,
                          const std::vector<Impl>& sparse_table, const std::vector<ModelLayers>& models,
                          std::vector<Layer<Shape>> ModelLayers::*layers, FamilyShape (*family_shape)(const Shape&),
                          Time time) {
  for (const ModelLayers& model : models) {
    for (const Layer<Shape>& layer : model.*layers) {
      const FamilyShape shape = family_shape(layer.shape);
      const Impl* dense = kernels::choose_impl(dense_table, shape, kernels::Backend::kNative);
      std::vector<const Impl*> entries{dense};
      for (const Impl& impl : sparse_table) {
        if (&impl == &sparse_table.back() || !kernels::isa_usable(impl.isa)) continue;
        if (impl.supports == nullptr || impl.supports(shape)) entries.push_back(&impl);
      }
      if (dense == nullptr || entries.size() < 2) continue;
      const std::string key = std::string(fp32_family) + "/" + model.model + "/" + layer.name;
      for (const Impl* impl : entries) {
        configure(benchmark::RegisterBenchmark(bench_name(family, model.model, layer.name, impl->name).c_str(), time,
                                               *impl, layer, key));
      }
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
  register_int8_family("sparse_qconv2d_2x1", "sparse_conv2d_2x1", kernels::qconv2d_impls(),
                       kernels::qconv2d_sparse_impls(), models, &ModelLayers::conv, same_shape, time_qconv);
  register_int8_family("sparse_qgemm_4x1", "sparse_dense_4x1", kernels::qgemm_u8s8_impls(), kernels::qgemm_sparse_impls(),
                       models, &ModelLayers::dense, qgemm_shape, time_qgemm);
}

}  // namespace edgerun::bench
