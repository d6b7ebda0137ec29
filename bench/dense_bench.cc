// dense/<model>/<layer>/<entry>/threads:T: every entry of kernels::dense_f32_impls() on every distinct
// Gemm / constant-weight MatMul shape of the models, each shape followed by oneDNN's matmul and
// XNNPACK's fully connected operator run directly (onednn_native, xnnpack_native).
#include "bench/benchmarks.h"
#include "bench/table_bench.h"
#include "kernels/gemm/dense.h"

namespace edgerun::bench {

OperandCounts dense_counts(const kernels::DenseShape& s) {
  OperandCounts c;
  c.input = static_cast<size_t>(s.m * s.k);
  c.weights = static_cast<size_t>(s.k * s.n);
  c.bias = static_cast<size_t>(s.n);
  c.output = static_cast<size_t>(s.m * s.n);
  return c;
}


void register_dense_benchmarks(const std::vector<ModelLayers>& models) {
  std::vector<PeerRegistrar<kernels::DenseShape>> peers;
#if defined(EDGERUN_BENCH_ONEDNN)
  peers.push_back(register_onednn_dense);
#endif
#if defined(EDGERUN_BENCH_XNNPACK)
  peers.push_back(register_xnnpack_dense);
#endif
  register_table_benchmarks("dense", kernels::dense_f32_impls(), models, &ModelLayers::dense, dense_counts, peers);
}

}  // namespace edgerun::bench
