// qgemm|qmatmul/<model>/<layer>/onednn_native[_f32out]/threads:T: oneDNN's int8 matmul run directly on
// the zoo's shapes, as our INT8 families run them: uint8 source with a zero point, int8 weights
// (packed as oneDNN prefers for constant weights; plain for the batched products), int32 bias,
// per-column output scales, uint8 output with a zero point (or float). Times execute() only.
#include <oneapi/dnnl/dnnl.hpp>
#include <string>

#include "bench/bench_common.h"
#include "bench/benchmarks.h"
#include "bench/onednn_bench_common.h"

namespace edgerun::bench {

namespace {

using dims = dnnl::memory::dims;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

// weights_tag: any (constant weights, oneDNN packs them) or the plain layout of a run-time operand.
void int8_matmul_run(benchmark::State& state, const dims& src, const dims& weights, tag weights_tag, const dims& dst,
                     bool bias, bool float_output, double ops, int threads, int layer_count) {
  const tag plain = src.size() == 2 ? tag::ab : tag::abc;
  dims bias_dims(dst.size(), 1);
  bias_dims.back() = dst.back();
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  const dnnl::memory::desc bias_md(bias_dims, dt::s32, plain);
  const dnnl::matmul::desc desc({src, dt::u8, plain}, {weights, dt::s8, weights_tag},
                                bias ? bias_md : dnnl::memory::desc(),
                                {dst, float_output ? dt::f32 : dt::u8, plain});
  dnnl::primitive_attr attr;
  const int n_mask = 1 << (static_cast<int>(dst.size()) - 1);
  attr.set_output_scales(weights_tag == tag::any ? n_mask : 0,
                         std::vector<float>(weights_tag == tag::any ? static_cast<size_t>(dst.back()) : 1, 1e-4f));
  attr.set_zero_points(DNNL_ARG_SRC, 0, {128});
  if (!float_output) attr.set_zero_points(DNNL_ARG_DST, 0, {128});
  const dnnl::matmul::primitive_desc pd(desc, attr, engine);
  time_primitive(state, dnnl::matmul(pd), pd, engine, bias, random_bytes_memory, ops, report_flops, threads,
                 layer_count);
}

void qgemm_run(benchmark::State& state, const Layer<kernels::DenseShape>& layer, bool float_output) {
  const kernels::DenseShape& s = layer.shape;
  run_onednn_benchmark(state, [&](int threads) {
    int8_matmul_run(state, {s.m, s.k}, {s.k, s.n}, tag::any, {s.m, s.n}, true, float_output, s.flops(), threads,
                    layer.count);
  });
}

void qmatmul_run(benchmark::State& state, const Layer<MatMulShape>& layer) {
  const MatMulShape& s = layer.shape;
  run_onednn_benchmark(state, [&](int threads) {
    // Q.K^T (n == m) reads K transposed, as our qmatmul does.
    int8_matmul_run(state, {s.batch, s.m, s.k}, {s.batch, s.k, s.n}, s.n == s.m ? tag::acb : tag::abc,
                    {s.batch, s.m, s.n}, false, false, s.flops(), threads, layer.count);
  });
}

}  // namespace

void register_onednn_qgemm(const std::string& model, const Layer<kernels::DenseShape>& layer) {
  for (bool float_output : {false, true}) {
    configure(benchmark::RegisterBenchmark(
        bench_name("qgemm", model, layer.name, float_output ? "onednn_native_f32out" : "onednn_native").c_str(),
        qgemm_run, layer, float_output));
  }
}

void register_onednn_qmatmul(const std::string& model, const Layer<MatMulShape>& layer) {
  configure(benchmark::RegisterBenchmark(bench_name("qmatmul", model, layer.name, "onednn_native").c_str(),
                                         qmatmul_run, layer));
}

}  // namespace edgerun::bench
