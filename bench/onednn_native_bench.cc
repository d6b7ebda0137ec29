// conv2d|dense/<model>/<layer>/onednn_native/threads:T: oneDNN's own convolution and matmul on the
// zoo's shapes at the layouts it prefers (format_tag::any: blocked activations and weights for conv,
// packed weights for matmul), timing execute() only. The onednn entries of the kernel tables also pay
// reorders from and to NCHW; this is the library's best, the mark our kernels are held to.
#include <oneapi/dnnl/dnnl.hpp>

#include <cmath>
#include <string>
#include <unordered_map>

#include "bench/bench_common.h"
#include "bench/benchmarks.h"

namespace edgerun::bench {

namespace {

using kernels::Conv2dShape;
using kernels::DenseShape;
using dims = dnnl::memory::dims;
using tag = dnnl::memory::format_tag;
constexpr auto kF32 = dnnl::memory::data_type::f32;

dnnl::memory random_memory(const dnnl::memory::desc& desc, const dnnl::engine& engine, uint32_t seed) {
  dnnl::memory mem(desc, engine);
  const size_t count = desc.get_size() / sizeof(float);
  const auto values = random_floats(count, seed);
  float* data = static_cast<float*>(mem.get_data_handle());
  for (size_t i = 0; i < count; ++i) data[i] = values[i];
  return mem;
}

// ReLU / Clip as an eltwise post-op.
dnnl::primitive_attr epilogue_attr(const kernels::Epilogue& epilogue) {
  dnnl::post_ops post_ops;
  if (epilogue.min == 0 && epilogue.max == INFINITY) {
    post_ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
  } else if (epilogue.min > -INFINITY || epilogue.max < INFINITY) {
    post_ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_clip, epilogue.min, epilogue.max);
  }
  dnnl::primitive_attr attr;
  attr.set_post_ops(post_ops);
  return attr;
}

// Convolution at oneDNN's preferred layouts (convolution_auto: direct or Winograd, its choice).
void onednn_conv_run(benchmark::State& state, const Layer<Conv2dShape>& layer, int threads) {
  const Conv2dShape& s = layer.shape;
  const int64_t pad_bottom = (s.out_h - 1) * s.stride_h + s.dilation_h * (s.kernel_h - 1) + 1 - s.in_h - s.pad_top;
  const int64_t pad_right = (s.out_w - 1) * s.stride_w + s.dilation_w * (s.kernel_w - 1) + 1 - s.in_w - s.pad_left;
  const dims weights = s.groups == 1 ? dims{s.out_channels, s.in_channels, s.kernel_h, s.kernel_w}
                                     : dims{s.groups, s.out_channels_per_group(), s.in_channels_per_group(),
                                            s.kernel_h, s.kernel_w};
  const dnnl::memory::desc src_md({s.batch, s.in_channels, s.in_h, s.in_w}, kF32, tag::any);
  const dnnl::memory::desc weights_md(weights, kF32, tag::any);
  const dnnl::memory::desc bias_md({s.out_channels}, kF32, tag::any);
  const dnnl::memory::desc dst_md({s.batch, s.out_channels, s.out_h, s.out_w}, kF32, tag::any);
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  const dnnl::convolution_forward::desc desc(
      dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_auto, src_md, weights_md,
      layer.bias ? bias_md : dnnl::memory::desc(), dst_md,
      {s.stride_h, s.stride_w}, {s.dilation_h - 1, s.dilation_w - 1}, {s.pad_top, s.pad_left},
      {pad_bottom, pad_right});
  const dnnl::convolution_forward::primitive_desc pd(desc, epilogue_attr(layer.epilogue), engine);
  const dnnl::convolution_forward conv(pd);
  std::unordered_map<int, dnnl::memory> args = {
      {DNNL_ARG_SRC, random_memory(pd.src_desc(), engine, 1)},
      {DNNL_ARG_WEIGHTS, random_memory(pd.weights_desc(), engine, 2)},
      {DNNL_ARG_DST, random_memory(pd.dst_desc(), engine, 4)}};
  if (layer.bias) args[DNNL_ARG_BIAS] = random_memory(pd.bias_desc(), engine, 3);
  const auto start = Clock::now();
  for (auto _ : state) {
    conv.execute(stream, args);
    stream.wait();
  }
  state.SetLabel(std::string("onednn ") + pd.impl_info_str());
  report_flops(state, s.flops(), threads, layer.count, seconds_since(start));
}

// The activations stay row-major (a transformer's layout); the weights are packed as oneDNN likes.
void onednn_dense_run(benchmark::State& state, const Layer<DenseShape>& layer, int threads) {
  const DenseShape& s = layer.shape;
  const dnnl::memory::desc src_md({s.m, s.k}, kF32, tag::ab);
  const dnnl::memory::desc weights_md({s.k, s.n}, kF32, tag::any);
  const dnnl::memory::desc bias_md({1, s.n}, kF32, tag::ab);
  const dnnl::memory::desc dst_md({s.m, s.n}, kF32, tag::ab);
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  const dnnl::matmul::desc desc(src_md, weights_md, layer.bias ? bias_md : dnnl::memory::desc(), dst_md);
  const dnnl::matmul::primitive_desc pd(desc, epilogue_attr(layer.epilogue), engine);
  const dnnl::matmul matmul(pd);
  std::unordered_map<int, dnnl::memory> args = {
      {DNNL_ARG_SRC, random_memory(pd.src_desc(), engine, 1)},
      {DNNL_ARG_WEIGHTS, random_memory(pd.weights_desc(), engine, 2)},
      {DNNL_ARG_DST, random_memory(pd.dst_desc(), engine, 4)}};
  if (layer.bias) args[DNNL_ARG_BIAS] = random_memory(pd.bias_desc(), engine, 3);
  const auto start = Clock::now();
  for (auto _ : state) {
    matmul.execute(stream, args);
    stream.wait();
  }
  state.SetLabel(std::string("onednn ") + pd.impl_info_str());
  report_flops(state, s.flops(), threads, layer.count, seconds_since(start));
}

// oneDNN's C++ API throws dnnl::error; it becomes a skipped benchmark.
template <typename Shape>
void onednn_bench(benchmark::State& state, const Layer<Shape>& layer,
                  void (*body)(benchmark::State&, const Layer<Shape>&, int)) {
  const int threads = static_cast<int>(state.range(0));
  set_threads(threads);  // Debian's oneDNN threads with OpenMP
  try {
    body(state, layer, threads);
  } catch (const dnnl::error& e) {
    state.SkipWithError((std::string("oneDNN: ") + e.what()).c_str());
  }
}

}  // namespace

void register_onednn_conv2d(const std::string& model, const Layer<Conv2dShape>& layer) {
  configure(benchmark::RegisterBenchmark(bench_name("conv2d", model, layer.name, "onednn_native").c_str(),
                                         onednn_bench<Conv2dShape>, layer, onednn_conv_run));
}

void register_onednn_dense(const std::string& model, const Layer<DenseShape>& layer) {
  configure(benchmark::RegisterBenchmark(bench_name("dense", model, layer.name, "onednn_native").c_str(),
                                         onednn_bench<DenseShape>, layer, onednn_dense_run));
}

}  // namespace edgerun::bench
