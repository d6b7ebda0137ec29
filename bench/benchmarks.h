// The benchmark families of edgerun_kernel_bench, registered at start-up (after the command line is
// read) for the models asked for.
#pragma once

#include <string>
#include <vector>

#include "bench/bench_common.h"
#include "bench/layer_shapes.h"

namespace edgerun::bench {

void register_fma_peak_benchmarks();
void register_conv2d_benchmarks(const std::vector<ModelLayers>& models);
void register_dense_benchmarks(const std::vector<ModelLayers>& models);
void register_matmul_benchmarks(const std::vector<ModelLayers>& models);
void register_qconv2d_benchmarks(const std::vector<ModelLayers>& models);
// GOP/s and vnni% (of the measured vpdpbusd peak) counters of the INT8 benchmarks.
void report_int8_ops(benchmark::State& state, double ops, int threads, int layer_count, double seconds);
// One shape run directly by a library at its preferred layout, registered by the family right after
// its own entries for that shape, so the comparison runs side by side. Defined when the build found
// the library (EDGERUN_BENCH_ONEDNN, EDGERUN_BENCH_XNNPACK).
void register_onednn_conv2d(const std::string& model, const Layer<kernels::Conv2dShape>& layer);
void register_onednn_dense(const std::string& model, const Layer<kernels::DenseShape>& layer);
void register_onednn_matmul(const std::string& model, const Layer<MatMulShape>& layer);
void register_onednn_qconv2d(const std::string& model, const Layer<kernels::Conv2dShape>& layer);
void register_xnnpack_conv2d(const std::string& model, const Layer<kernels::Conv2dShape>& layer);
void register_xnnpack_dense(const std::string& model, const Layer<kernels::DenseShape>& layer);

}  // namespace edgerun::bench
