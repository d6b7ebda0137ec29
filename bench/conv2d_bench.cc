// conv2d/<model>/<layer>/<entry>/threads:T: every entry of kernels::conv2d_f32_impls() (each ISA
// variant, the oneDNN and XNNPACK backend entries) on every distinct conv shape of the models, each
// shape followed by oneDNN and XNNPACK run directly (onednn_native, xnnpack_native).
#include "bench/benchmarks.h"
#include "bench/table_bench.h"
#include "kernels/conv/conv2d.h"

namespace edgerun::bench {

OperandCounts conv2d_counts(const kernels::Conv2dShape& s) {
  OperandCounts c;
  c.input = static_cast<size_t>(s.batch * s.in_channels * s.in_h * s.in_w);
  c.weights = static_cast<size_t>(s.out_channels * s.in_channels_per_group() * s.kernel_h * s.kernel_w);
  c.bias = static_cast<size_t>(s.out_channels);
  c.output = static_cast<size_t>(s.batch * s.out_channels * s.out_h * s.out_w);
  return c;
}


void register_conv2d_benchmarks(const std::vector<ModelLayers>& models) {
  std::vector<PeerRegistrar<kernels::Conv2dShape>> peers;
#if defined(EDGERUN_BENCH_ONEDNN)
  peers.push_back(register_onednn_conv2d);
#endif
#if defined(EDGERUN_BENCH_XNNPACK)
  peers.push_back(register_xnnpack_conv2d);
#endif
  register_table_benchmarks("conv2d", kernels::conv2d_f32_impls(), models, &ModelLayers::conv, conv2d_counts, peers);
}

}  // namespace edgerun::bench
