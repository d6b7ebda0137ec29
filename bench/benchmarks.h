// The benchmark families of edgerun_kernel_bench, registered at start-up (after the command line is
// read) for the models asked for.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bench/bench_common.h"
#include "bench/layer_shapes.h"

namespace edgerun::bench {

void register_fma_peak_benchmarks();
void register_conv2d_benchmarks(const std::vector<ModelLayers>& models);
void register_dense_benchmarks(const std::vector<ModelLayers>& models);
void register_matmul_benchmarks(const std::vector<ModelLayers>& models);
// The INT8 families: qgemm (constant int8 weights) and qmatmul (both operands at run time).
void register_qgemm_benchmarks(const std::vector<ModelLayers>& models);
void register_qeltwise_benchmarks();
void register_qconv2d_benchmarks(const std::vector<ModelLayers>& models);
// GOP/s and vnni% (of the measured vpdpbusd peak) counters of the INT8 benchmarks.
void report_int8_ops(benchmark::State& state, double ops, int threads, int layer_count, double seconds);
// One shape run directly by a library at its preferred layout, registered by the family right after
// its own entries for that shape, so the comparison runs side by side. Defined when the build found
// the library (EDGERUN_BENCH_ONEDNN, EDGERUN_BENCH_XNNPACK).
void register_onednn_conv2d(const std::string& model, const Layer<kernels::Conv2dShape>& layer);
void register_onednn_dense(const std::string& model, const Layer<kernels::DenseShape>& layer);
void register_onednn_matmul(const std::string& model, const Layer<MatMulShape>& layer);
// oneDNN's int8 matmul (u8 x s8 -> u8, source zero point, per-column output scales).
void register_onednn_qgemm(const std::string& model, const Layer<kernels::DenseShape>& layer);
void register_onednn_qmatmul(const std::string& model, const Layer<MatMulShape>& layer);
void register_onednn_qconv2d(const std::string& model, const Layer<kernels::Conv2dShape>& layer);
void register_xnnpack_conv2d(const std::string& model, const Layer<kernels::Conv2dShape>& layer);
void register_xnnpack_dense(const std::string& model, const Layer<kernels::DenseShape>& layer);
// The sparse kernels against the dense ones on the study's pruned weights (sparse_bench.cc).
void register_sparse_benchmarks(const std::vector<ModelLayers>& models);
// A conv layer's weights as sparse_conv2d_2x1 prunes them (2x1 blocks, 75%), for the peers to run on.
std::shared_ptr<const std::vector<float>> study_pruned_conv_weights(const std::string& model,
                                                                    const Layer<kernels::Conv2dShape>& layer);
// XNNPACK's SpMM: its NCHW convolution on a 1x1 stride-1 layer with those weights (others: not registered).
void register_xnnpack_sparse_conv2d(const std::string& model, const Layer<kernels::Conv2dShape>& layer);

}  // namespace edgerun::bench
