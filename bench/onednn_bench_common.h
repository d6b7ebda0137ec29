// What the oneDNN reference benchmarks (f32 conv / dense / matmul, int8 conv, int8 matmul) share:
// operands filled at the layouts the primitive chose, the timed execute() loop, and oneDNN's
// exceptions turned into skipped benchmarks. Included only by the oneDNN benchmark files.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <oneapi/dnnl/dnnl.hpp>
#include <string>
#include <unordered_map>

#include "bench/bench_common.h"

namespace edgerun::bench {

using OnednnFill = dnnl::memory (*)(const dnnl::memory::desc& desc, const dnnl::engine& engine, uint32_t seed);
using OpsReport = void (*)(benchmark::State& state, double ops, int threads, int layer_count, double seconds);

// Every byte of the operand pseudo-random (int8 / uint8 / int32 operands).
inline dnnl::memory random_bytes_memory(const dnnl::memory::desc& desc, const dnnl::engine& engine, uint32_t seed) {
  dnnl::memory mem(desc, engine);
  unsigned char* data = static_cast<unsigned char*>(mem.get_data_handle());
  uint32_t state = seed * 2654435761u + 1;
  for (size_t i = 0; i < desc.get_size(); ++i) {
    state = state * 1664525u + 1013904223u;
    data[i] = static_cast<unsigned char>(state >> 24);
  }
  return mem;
}

// Fills source, weights, destination (and bias) with `fill`, then times execute() and reports `ops`.
template <typename PrimitiveDesc>
void time_primitive(benchmark::State& state, const dnnl::primitive& primitive, const PrimitiveDesc& pd,
                    const dnnl::engine& engine, bool bias, OnednnFill fill, double ops, OpsReport report, int threads,
                    int layer_count) {
  dnnl::stream stream(engine);
  std::unordered_map<int, dnnl::memory> args = {{DNNL_ARG_SRC, fill(pd.src_desc(), engine, 1)},
                                                {DNNL_ARG_WEIGHTS, fill(pd.weights_desc(), engine, 2)},
                                                {DNNL_ARG_DST, fill(pd.dst_desc(), engine, 4)}};
  if (bias) args[DNNL_ARG_BIAS] = fill(pd.bias_desc(), engine, 3);
  const auto start = Clock::now();
  for (auto _ : state) {
    primitive.execute(stream, args);
    stream.wait();
  }
  state.SetLabel(std::string("onednn ") + pd.impl_info_str());
  report(state, ops, threads, layer_count, seconds_since(start));
}

// Sets the thread count (Debian's oneDNN threads with OpenMP) and runs body(threads); oneDNN's C++ API
// throws dnnl::error, which becomes a skipped benchmark.
template <typename Body>
void run_onednn_benchmark(benchmark::State& state, Body&& body) {
  const int threads = static_cast<int>(state.range(0));
  set_threads(threads);
  try {
    body(threads);
  } catch (const dnnl::error& e) {
    state.SkipWithError((std::string("oneDNN: ") + e.what()).c_str());
  }
}

}  // namespace edgerun::bench
