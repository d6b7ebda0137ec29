// The benchmark families of edgerun_kernel_bench, registered at start-up (after the command line is
// read) for the models asked for.
#pragma once

#include <vector>

#include "bench/layer_shapes.h"

namespace edgerun::bench {

void register_fma_peak_benchmarks();
void register_conv2d_benchmarks(const std::vector<ModelLayers>& models);
void register_dense_benchmarks(const std::vector<ModelLayers>& models);
void register_matmul_benchmarks(const std::vector<ModelLayers>& models);
// The same conv shapes run directly by the libraries at their preferred layouts (when built).
void register_onednn_native_benchmarks(const std::vector<ModelLayers>& models);
void register_xnnpack_native_benchmarks(const std::vector<ModelLayers>& models);

}  // namespace edgerun::bench
