// bench_engine: the main CLI. This first version runs one ONNX model in FP32 on this machine and
// prints its latency distribution and planned arena; later issues add the zoo models, deployment
// operators, tiers and the studies' tables.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <thread>

#include "engine/session.h"
#include "tools/common/latency_stats.h"
#include "tools/common/model_source.h"
#include "tools/common/model_inputs.h"

using namespace edgerun;

namespace {

// Until the zoo's native builders land (issue 3), the default model is the committed reduced
// Wide-ResNet exported by PyTorch.
const char* const kDefaultModel = EDGERUN_SOURCE_DIR "/tests/data/e2e/wide_resnet/model.onnx";

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

int fail(const Status& st) {
  std::fprintf(stderr, "bench_engine: %s\n", st.to_string().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"edgerun bench_engine: latency of a model on this machine"};
  std::string model = kDefaultModel;
  int threads = 1, warmup = 5, repeats = 50;
  std::vector<std::string> dims;
  app.add_option("--model", model, "zoo model name or ONNX model file")->capture_default_str();
  app.add_option("--threads", threads, "threads for the kernels")->check(CLI::Range(1, 256))->capture_default_str();
  app.add_option("--warmup", warmup, "runs before timing (dropped)")->check(CLI::Range(0, 100000))->capture_default_str();
  app.add_option("--repeats", repeats, "timed runs")->check(CLI::Range(1, 1000000))->capture_default_str();
  app.add_option("--dim", dims, "bind a symbolic input dim, NAME=SIZE (default 1)");
  CLI11_PARSE(app, argc, argv);

  SessionOptions options;
  options.threads = threads;
  auto bindings = parse_dim_bindings(dims);
  if (!bindings.ok()) return fail(bindings.status());
  options.dim_bindings = bindings.value();

  auto source = resolve_model(model);
  if (!source.ok()) return fail(source.status());
  const auto t_load = std::chrono::steady_clock::now();
  auto session = open_session(source.value(), options);
  if (!session.ok()) return fail(session.status());
  const double load_ms = ms_since(t_load);
  Session& s = *session.value();
  auto inputs = make_random_inputs(s);
  if (!inputs.ok()) return fail(inputs.status());

  std::vector<NamedTensor> outputs;
  const auto t_first = std::chrono::steady_clock::now();
  Status st = s.run(inputs.value(), &outputs);  // compiles the plan, then runs
  if (!st.ok()) return fail(st);
  const double first_ms = ms_since(t_first);
  for (int i = 0; i < warmup; ++i) {
    st = s.run(inputs.value(), &outputs);
    if (!st.ok()) return fail(st);
  }
  std::vector<double> samples;
  for (int i = 0; i < repeats; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    st = s.run(inputs.value(), &outputs);
    if (!st.ok()) return fail(st);
    samples.push_back(ms_since(t0));
  }
  const LatencyStats lat = summarize(samples);

  std::printf("model      %s\n", source.value().description.c_str());
  for (const NamedTensor& in : inputs.value()) {
    std::printf("input      %s %s %s\n", in.name.c_str(), dtype_name(in.tensor.dtype()),
                shape_to_string(in.tensor.shape()).c_str());
  }
  std::printf("engine     native reference kernels, FP32, %d thread(s); %zu steps after passes\n", threads,
              s.planned_nodes());
  std::printf("arena      %.3f MiB planned for activations\n", static_cast<double>(s.arena_bytes()) / (1 << 20));
  std::printf("cold       load %.2f ms, first run (compile + run) %.2f ms\n", load_ms, first_ms);
  std::printf("warm       %zu runs after %d warm-up (ms)\n", lat.count, warmup);
  std::printf("           %-10s %-10s %-10s %-10s %-10s %-10s\n", "median", "p90", "mean", "std", "min", "max");
  std::printf("           %-10.3f %-10.3f %-10.3f %-10.3f %-10.3f %-10.3f\n", lat.median, lat.p90, lat.mean,
              lat.stddev, lat.min, lat.max);
  return 0;
}
