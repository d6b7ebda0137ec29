// conv2d|dense|matmul/<model>/<layer>/onednn_native/threads:T: oneDNN's own convolution and matmul on
// the zoo's shapes at the layouts it prefers (format_tag::any: blocked activations and weights for
// conv, packed constant weights for dense), timing execute() only. The onednn entries of the kernel tables also pay
// reorders from and to NCHW; this is the library's best, the mark our kernels are held to.
#include <cmath>
#include <oneapi/dnnl/dnnl.hpp>
#include <string>

#include "bench/bench_common.h"
#include "bench/benchmarks.h"
#include "bench/onednn_bench_common.h"

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
  const dims weights =
      s.groups == 1 ? dims{s.out_channels, s.in_channels, s.kernel_h, s.kernel_w}
                    : dims{s.groups, s.out_channels_per_group(), s.in_channels_per_group(), s.kernel_h, s.kernel_w};
  const dnnl::memory::desc src_md({s.batch, s.in_channels, s.in_h, s.in_w}, kF32, tag::any);
  const dnnl::memory::desc weights_md(weights, kF32, tag::any);
  const dnnl::memory::desc bias_md({s.out_channels}, kF32, tag::any);
  const dnnl::memory::desc dst_md({s.batch, s.out_channels, s.out_h, s.out_w}, kF32, tag::any);
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  const dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_auto,
                                             src_md, weights_md, layer.bias ? bias_md : dnnl::memory::desc(), dst_md,
                                             {s.stride_h, s.stride_w}, {s.dilation_h - 1, s.dilation_w - 1},
                                             {s.pad_top, s.pad_left}, {pad_bottom, pad_right});
  const dnnl::convolution_forward::primitive_desc pd(desc, epilogue_attr(layer.epilogue), engine);
  const dnnl::convolution_forward conv(pd);
  time_primitive(state, conv, pd, engine, layer.bias, random_memory, s.flops(), report_flops, threads,
                 layer.count);
}

// The activations stay row-major (a transformer's layout); `weights` says whether oneDNN may pack the
// right operand (constant weights: tag::any) or must read it as it is (batched: plain row-major).
void matmul_run(benchmark::State& state, const dims& src, const dims& weights, tag weights_tag, const dims& dst,
                bool bias, const kernels::Epilogue& epilogue, double flops, int threads, int layer_count) {
  const tag plain = src.size() == 2 ? tag::ab : tag::abc;
  dims bias_dims(dst.size(), 1);
  bias_dims.back() = dst.back();
  const dnnl::memory::desc bias_md(bias_dims, kF32, plain);
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  const dnnl::matmul::desc desc({src, kF32, plain}, {weights, kF32, weights_tag}, bias ? bias_md : dnnl::memory::desc(),
                                {dst, kF32, plain});
  const dnnl::matmul::primitive_desc pd(desc, epilogue_attr(epilogue), engine);
  time_primitive(state, dnnl::matmul(pd), pd, engine, bias, random_memory, flops, report_flops, threads,
                 layer_count);
}

void onednn_dense_run(benchmark::State& state, const Layer<DenseShape>& layer, int threads) {
  const DenseShape& s = layer.shape;
  matmul_run(state, {s.m, s.k}, {s.k, s.n}, tag::any, {s.m, s.n}, layer.bias, layer.epilogue, s.flops(), threads,
             layer.count);
}

void onednn_matmul_run(benchmark::State& state, const Layer<MatMulShape>& layer, int threads) {
  const MatMulShape& s = layer.shape;
  matmul_run(state, {s.batch, s.m, s.k}, {s.batch, s.k, s.n}, tag::abc, {s.batch, s.m, s.n}, false, layer.epilogue,
             s.flops(), threads, layer.count);
}

template <typename Shape>
void onednn_bench(benchmark::State& state, const Layer<Shape>& layer,
                  void (*body)(benchmark::State&, const Layer<Shape>&, int)) {
  run_onednn_benchmark(state, [&](int threads) { body(state, layer, threads); });
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

void register_onednn_matmul(const std::string& model, const Layer<MatMulShape>& layer) {
  configure(benchmark::RegisterBenchmark(bench_name("matmul", model, layer.name, "onednn_native").c_str(),
                                         onednn_bench<MatMulShape>, layer, onednn_matmul_run));
}

}  // namespace edgerun::bench
