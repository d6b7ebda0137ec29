// conv2d|dense/<model>/<layer>/xnnpack_native/threads:T: XNNPACK's own convolution and fully connected
// operators on the zoo's shapes in its layout (NHWC activations, [groups][out][kh][kw][in] weights),
// timing xnn_run_operator only. The xnnpack entries of the kernel tables also pay NCHW <-> NHWC
// transposes.
#include <pthreadpool.h>
#include <xnnpack.h>

#include <memory>
#include <string>

#include "bench/bench_common.h"
#include "bench/benchmarks.h"

namespace edgerun::bench {

namespace {

using kernels::Conv2dShape;
using kernels::DenseShape;

struct OperatorDeleter {
  void operator()(xnn_operator_t op) const { xnn_delete_operator(op); }
};
struct PoolDeleter {
  void operator()(pthreadpool_t pool) const { pthreadpool_destroy(pool); }
};

using Operator = std::unique_ptr<xnn_operator, OperatorDeleter>;
using Pool = std::unique_ptr<pthreadpool, PoolDeleter>;

// Times xnn_run_operator; `st` is what create and setup returned.
void run_operator(benchmark::State& state, xnn_status st, const Operator& op, const Pool& pool, double flops,
                  int threads, int layer_count) {
  if (st != xnn_status_success) {
    state.SkipWithError(("XNNPACK: create/setup failed, status " + std::to_string(st)).c_str());
    return;
  }
  const auto start = Clock::now();
  for (auto _ : state) {
    xnn_run_operator(op.get(), pool.get());
    benchmark::ClobberMemory();
  }
  state.SetLabel("xnnpack");
  report_flops(state, flops, threads, layer_count, seconds_since(start));
}

bool initialized(benchmark::State& state) {
  static const xnn_status status = xnn_initialize(nullptr);
  if (status != xnn_status_success) state.SkipWithError("xnn_initialize failed (unsupported CPU?)");
  return status == xnn_status_success;
}

// One thread runs on the caller, as XNNPACK does with a null pool.
Pool make_pool(int threads) { return Pool(threads > 1 ? pthreadpool_create(threads) : nullptr); }

void xnnpack_conv(benchmark::State& state, const Layer<Conv2dShape>& layer) {
  if (!initialized(state)) return;
  const int threads = static_cast<int>(state.range(0));
  const Pool pool = make_pool(threads);
  const Conv2dShape& s = layer.shape;
  const int64_t pad_bottom = (s.out_h - 1) * s.stride_h + s.dilation_h * (s.kernel_h - 1) + 1 - s.in_h - s.pad_top;
  const int64_t pad_right = (s.out_w - 1) * s.stride_w + s.dilation_w * (s.kernel_w - 1) + 1 - s.in_w - s.pad_left;
  const auto x = random_floats(static_cast<size_t>(s.batch * s.in_h * s.in_w * s.in_channels), 1);
  const auto w =
      random_floats(static_cast<size_t>(s.out_channels * s.kernel_h * s.kernel_w * s.in_channels_per_group()), 2);
  const auto bias = random_floats(static_cast<size_t>(s.out_channels), 3);
  auto y = random_floats(static_cast<size_t>(s.batch * s.out_h * s.out_w * s.out_channels), 4);
  xnn_operator_t raw = nullptr;
  xnn_status st = xnn_create_convolution2d_nhwc_f32(
      static_cast<uint32_t>(s.pad_top), static_cast<uint32_t>(pad_right), static_cast<uint32_t>(pad_bottom),
      static_cast<uint32_t>(s.pad_left), static_cast<uint32_t>(s.kernel_h), static_cast<uint32_t>(s.kernel_w),
      static_cast<uint32_t>(s.stride_h), static_cast<uint32_t>(s.stride_w), static_cast<uint32_t>(s.dilation_h),
      static_cast<uint32_t>(s.dilation_w), static_cast<uint32_t>(s.groups),
      static_cast<size_t>(s.in_channels_per_group()), static_cast<size_t>(s.out_channels_per_group()),
      static_cast<size_t>(s.in_channels), static_cast<size_t>(s.out_channels), w.get(),
      layer.bias ? bias.get() : nullptr, layer.epilogue.min, layer.epilogue.max, 0, &raw);
  const Operator op(raw);
  if (st == xnn_status_success) {
    st = xnn_setup_convolution2d_nhwc_f32(op.get(), static_cast<size_t>(s.batch), static_cast<size_t>(s.in_h),
                                          static_cast<size_t>(s.in_w), x.get(), y.get(), pool.get());
  }
  run_operator(state, st, op, pool, s.flops(), threads, layer.count);
}

// Weights [n, k] (XNNPACK's default; transposed [k, n] is a flag, the same kernels after packing).
void xnnpack_dense(benchmark::State& state, const Layer<DenseShape>& layer) {
  if (!initialized(state)) return;
  const int threads = static_cast<int>(state.range(0));
  const Pool pool = make_pool(threads);
  const DenseShape& s = layer.shape;
  const auto a = random_floats(static_cast<size_t>(s.m * s.k), 1);
  const auto b = random_floats(static_cast<size_t>(s.k * s.n), 2);
  const auto bias = random_floats(static_cast<size_t>(s.n), 3);
  auto y = random_floats(static_cast<size_t>(s.m * s.n), 4);
  xnn_operator_t raw = nullptr;
  xnn_status st = xnn_create_fully_connected_nc_f32(
      static_cast<size_t>(s.k), static_cast<size_t>(s.n), static_cast<size_t>(s.k), static_cast<size_t>(s.n), b.get(),
      layer.bias ? bias.get() : nullptr, layer.epilogue.min, layer.epilogue.max, 0, &raw);
  const Operator op(raw);
  if (st == xnn_status_success) {
    st = xnn_setup_fully_connected_nc_f32(op.get(), static_cast<size_t>(s.m), a.get(), y.get(), pool.get());
  }
  run_operator(state, st, op, pool, s.flops(), threads, layer.count);
}

// A 1x1 stride-1 conv in NCHW: XNNPACK stores the pruned weights sparse and runs its SpMM microkernels
// (2x1 blocks where the zeros come in pairs of output channels).
void xnnpack_sparse_conv(benchmark::State& state, const Layer<Conv2dShape>& layer,
                         const std::shared_ptr<const std::vector<float>>& weights) {
  if (!initialized(state)) return;
  const int threads = static_cast<int>(state.range(0));
  const Pool pool = make_pool(threads);
  const Conv2dShape& s = layer.shape;
  const auto x = random_floats(static_cast<size_t>(s.batch * s.in_channels * s.in_h * s.in_w), 1);
  const auto bias = random_floats(static_cast<size_t>(s.out_channels), 3);
  auto y = random_floats(static_cast<size_t>(s.batch * s.out_channels * s.out_h * s.out_w), 4);
  xnn_operator_t raw = nullptr;
  xnn_status st = xnn_create_convolution2d_nchw_f32(
      0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, static_cast<size_t>(s.in_channels), static_cast<size_t>(s.out_channels),
      static_cast<size_t>(s.in_channels), static_cast<size_t>(s.out_channels), weights->data(),
      layer.bias ? bias.get() : nullptr, layer.epilogue.min, layer.epilogue.max, 0, &raw);
  const Operator op(raw);
  if (st == xnn_status_success) {
    st = xnn_setup_convolution2d_nchw_f32(op.get(), static_cast<size_t>(s.batch), static_cast<size_t>(s.in_h),
                                          static_cast<size_t>(s.in_w), x.get(), y.get(), pool.get());
  }
  run_operator(state, st, op, pool, s.flops(), threads, layer.count);
}

}  // namespace

void register_xnnpack_sparse_conv2d(const std::string& model, const Layer<Conv2dShape>& layer) {
  if (!layer.shape.pointwise() || layer.shape.groups != 1) return;
  configure(benchmark::RegisterBenchmark(bench_name("sparse_conv2d_2x1", model, layer.name, "xnnpack_spmm_native").c_str(),
                                         xnnpack_sparse_conv, layer, study_pruned_conv_weights(model, layer)));
}

void register_xnnpack_conv2d(const std::string& model, const Layer<Conv2dShape>& layer) {
  configure(benchmark::RegisterBenchmark(bench_name("conv2d", model, layer.name, "xnnpack_native").c_str(),
                                         xnnpack_conv, layer));
}

void register_xnnpack_dense(const std::string& model, const Layer<DenseShape>& layer) {
  configure(benchmark::RegisterBenchmark(bench_name("dense", model, layer.name, "xnnpack_native").c_str(),
                                         xnnpack_dense, layer));
}

}  // namespace edgerun::bench
