// qconv2d/<model>/<layer>/onednn_native/threads:T: oneDNN's int8 convolution (u8 activations with a
// zero point, s8 weights, per-channel output scales, u8 out with a zero point, the layer's ReLU as a
// post-op) at the layouts it prefers, timing execute() only: the mark the qconv2d entries are held to.
#include <oneapi/dnnl/dnnl.hpp>
#include <string>
#include <vector>

#include "bench/bench_common.h"
#include "bench/benchmarks.h"
#include "bench/onednn_bench_common.h"

namespace edgerun::bench {

namespace {

using kernels::Conv2dShape;
using dims = dnnl::memory::dims;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

void onednn_qconv_run(benchmark::State& state, const Layer<Conv2dShape>& layer, int threads) {
  const Conv2dShape& s = layer.shape;
  const int64_t pad_bottom = (s.out_h - 1) * s.stride_h + s.dilation_h * (s.kernel_h - 1) + 1 - s.in_h - s.pad_top;
  const int64_t pad_right = (s.out_w - 1) * s.stride_w + s.dilation_w * (s.kernel_w - 1) + 1 - s.in_w - s.pad_left;
  const dims weights =
      s.groups == 1 ? dims{s.out_channels, s.in_channels, s.kernel_h, s.kernel_w}
                    : dims{s.groups, s.out_channels_per_group(), s.in_channels_per_group(), s.kernel_h, s.kernel_w};
  const dnnl::memory::desc src_md({s.batch, s.in_channels, s.in_h, s.in_w}, dt::u8, tag::any);
  const dnnl::memory::desc weights_md(weights, dt::s8, tag::any);
  const dnnl::memory::desc bias_md({s.out_channels}, dt::s32, tag::any);
  const dnnl::memory::desc dst_md({s.batch, s.out_channels, s.out_h, s.out_w}, dt::u8, tag::any);
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  const dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                             src_md, weights_md, layer.bias ? bias_md : dnnl::memory::desc(), dst_md,
                                             {s.stride_h, s.stride_w}, {s.dilation_h - 1, s.dilation_w - 1},
                                             {s.pad_top, s.pad_left}, {pad_bottom, pad_right});
  dnnl::primitive_attr attr;
  attr.set_output_scales(1 << 1, std::vector<float>(static_cast<size_t>(s.out_channels), 1.0f / 4096));
  attr.set_zero_points(DNNL_ARG_SRC, 0, {128});
  attr.set_zero_points(DNNL_ARG_DST, 0, {10});
  if (layer.epilogue.min == 0) {
    dnnl::post_ops post_ops;
    post_ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
    attr.set_post_ops(post_ops);
  }
  const dnnl::convolution_forward::primitive_desc pd(desc, attr, engine);
  const dnnl::convolution_forward conv(pd);
  time_primitive(state, conv, pd, engine, layer.bias, random_bytes_memory, s.flops(), report_int8_ops, threads,
                 layer.count);
}

void onednn_qconv_bench(benchmark::State& state, const Layer<Conv2dShape>& layer) {
  run_onednn_benchmark(state, [&](int threads) { onednn_qconv_run(state, layer, threads); });
}

}  // namespace

void register_onednn_qconv2d(const std::string& model, const Layer<Conv2dShape>& layer) {
  configure(benchmark::RegisterBenchmark(bench_name("qconv2d", model, layer.name, "onednn_native").c_str(),
                                         onednn_qconv_bench, layer));
}

}  // namespace edgerun::bench
