// qgemm/<model>/<layer>/<entry>[_f32out]/threads:T: every entry of kernels::qgemm_u8s8_impls() on every
// distinct Gemm / constant-weight MatMul shape of the models, uint8 output (QLinearMatMul) and float
// output (MatMulIntegerToFloat, "_f32out"); qmatmul/<model>/<layer>/<entry>/threads:T: every entry of
// kernels::qmatmul_impls() on the batched MatMuls (attention; Q.K^T read transposed when n = m, int8
// B). Each shape is followed by oneDNN's int8 matmul run directly (onednn_native), as for f32.
#include <cstdio>
#include <cstring>
#include <functional>

#include "bench/bench_common.h"
#include "bench/benchmarks.h"
#include "kernels/qgemm/qgemm.h"
#include "kernels/qgemm/qmatmul.h"
#include "kernels/qgemm/qs8_gemm.h"

namespace edgerun::bench {

namespace {

std::unique_ptr<unsigned char[], FreeDeleter> random_bytes(size_t count, uint32_t seed) {
  auto bytes = aligned_bytes(count);
  uint32_t state = seed * 2654435761u + 1;
  for (size_t i = 0; i < count; ++i) {
    state = state * 1664525u + 1013904223u;
    bytes[i] = static_cast<unsigned char>(state >> 24);
  }
  return bytes;
}

kernels::QuantOutput bench_output(int64_t n, bool float_output) {
  kernels::QuantOutput out;
  out.scale.assign(static_cast<size_t>(n), 1.0f / 65536.0f);
  out.bias.assign(static_cast<size_t>(n), 1000);
  out.float_output = float_output;
  out.zero_point = 128;
  return out;
}

using QGemmCreate = std::function<Result<std::unique_ptr<kernels::QGemmU8S8>>(
    const kernels::QGemmShape&, const int8_t*, uint8_t, const kernels::QuantOutput&)>;

void time_qgemm(benchmark::State& state, const QGemmCreate& create, const Layer<kernels::DenseShape>& layer,
                bool float_output) {
  const int threads = static_cast<int>(state.range(0));
  set_threads(threads);  // before create: kernels size per-thread scratch for omp_get_max_threads()
  const kernels::DenseShape& d = layer.shape;
  const kernels::QGemmShape s{d.m, d.n, d.k};
  const auto a = random_bytes(static_cast<size_t>(s.m * s.k), 1);
  const auto b = random_bytes(static_cast<size_t>(s.k * s.n), 2);
  auto y = aligned_bytes(static_cast<size_t>(s.m * s.n) * sizeof(float));
  auto created = create(s, reinterpret_cast<const int8_t*>(b.get()), 128, bench_output(s.n, float_output));
  if (!created.ok()) {
    state.SkipWithError(("create: " + created.status().to_string()).c_str());
    return;
  }
  const auto& op = created.value();
  const auto scratch = aligned_bytes(op->scratch_bytes());
  const auto start = Clock::now();
  for (auto _ : state) {
    op->run(a.get(), nullptr, y.get(), scratch.get());
    benchmark::ClobberMemory();
  }
  state.SetLabel("native");
  report_flops(state, s.ops(), threads, layer.count, seconds_since(start));
}

// Attention's shapes: Q.K^T has n == m (K read transposed), P.V does not.
kernels::QMatMulShape qmatmul_shape(const MatMulShape& s) { return {s.batch, s.m, s.n, s.k, true, s.n == s.m}; }

void time_qmatmul(benchmark::State& state, const kernels::QMatMulImpl& impl, const Layer<MatMulShape>& layer) {
  const int threads = static_cast<int>(state.range(0));
  set_threads(threads);
  const kernels::QMatMulShape s = qmatmul_shape(layer.shape);
  const auto a = random_bytes(static_cast<size_t>(s.batch * s.m * s.k), 1);
  const auto b = random_bytes(static_cast<size_t>(s.batch * s.k * s.n), 2);
  auto y = aligned_bytes(static_cast<size_t>(s.batch * s.m * s.n));
  kernels::QuantOutput out;
  out.scale = {1.0f / 65536.0f};
  out.zero_point = 128;
  auto created = impl.create(s, 128, 0, out);
  if (!created.ok()) {
    state.SkipWithError(("create: " + created.status().to_string()).c_str());
    return;
  }
  const auto& op = created.value();
  const auto scratch = aligned_bytes(op->scratch_bytes());
  kernels::QMatMulArgs args;
  args.a = a.get();
  args.a_batch_stride = s.m * s.k;
  args.a_row_stride = s.k;
  args.b = b.get();
  args.b_batch_stride = s.k * s.n;
  args.b_row_stride = s.b_transposed ? s.k : s.n;
  args.y = y.get();
  args.scratch = scratch.get();
  const auto start = Clock::now();
  for (auto _ : state) {
    op->run(args);
    benchmark::ClobberMemory();
  }
  state.SetLabel(s.b_transposed ? "native, B transposed" : "native");
  report_flops(state, s.ops(), threads, layer.count, seconds_since(start));
}

template <typename Impl>
std::vector<const Impl*> runnable(const char* family, const std::vector<Impl>& table) {
  std::vector<const Impl*> out;
  for (const Impl& impl : table) {
    if (kernels::isa_usable(impl.isa)) {
      out.push_back(&impl);
    } else {
      std::fprintf(stderr, "%s: skipping %s (%s: not available here)\n", family, impl.name,
                   kernels::isa_name(impl.isa));
    }
  }
  return out;
}

}  // namespace

void register_qgemm_benchmarks(const std::vector<ModelLayers>& models) {
  const auto& table = kernels::qgemm_u8s8_impls();
  const auto impls = runnable("qgemm", table);
  for (const ModelLayers& model : models) {
    for (const Layer<kernels::DenseShape>& layer : model.dense) {
      for (const kernels::QGemmU8S8Impl* impl : impls) {
        if (skip_reference(impl == &table.back(), layer.shape.flops())) continue;
        for (bool float_output : {false, true}) {
          const std::string name = std::string(impl->name) + (float_output ? "_f32out" : "");
          configure(benchmark::RegisterBenchmark(bench_name("qgemm", model.model, layer.name, name).c_str(),
                                                 time_qgemm, QGemmCreate(impl->create), layer, float_output));
        }
      }
      // Every VNNI tile, uint8 out (the entry picks one by m).
      if (kernels::isa_usable(kernels::Isa::kAvx512Vnni)) {
        for (const kernels::QGemmTile& tile : kernels::qgemm_tiles(kernels::Isa::kAvx512Vnni)) {
          auto create = [&tile](const kernels::QGemmShape& s, const int8_t* b, uint8_t zp,
                                const kernels::QuantOutput& out) {
            return kernels::create_qgemm_u8s8_tile(s, tile, b, zp, out);
          };
          configure(benchmark::RegisterBenchmark(
              bench_name("qgemm", model.model, layer.name, std::string("tile_") + tile.name).c_str(), time_qgemm,
              QGemmCreate(create), layer, false));
        }
      }
#if defined(EDGERUN_BENCH_ONEDNN)
      register_onednn_qgemm(model.model, layer);
#endif
    }
  }
  const auto& mtable = kernels::qmatmul_impls();
  const auto mimpls = runnable("qmatmul", mtable);
  for (const ModelLayers& model : models) {
    for (const Layer<MatMulShape>& layer : model.matmul) {
      for (const kernels::QMatMulImpl* impl : mimpls) {
        if (skip_reference(impl == &mtable.back(), layer.shape.flops())) continue;
        configure(benchmark::RegisterBenchmark(bench_name("qmatmul", model.model, layer.name, impl->name).c_str(),
                                               time_qmatmul, *impl, layer));
      }
#if defined(EDGERUN_BENCH_ONEDNN)
      register_onednn_qmatmul(model.model, layer);
#endif
    }
  }
}

}  // namespace edgerun::bench
