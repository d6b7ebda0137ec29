// edgerun-serve: one tier's server (tools/serve/tier_server.h). Loads a model (zoo name or ONNX file),
// applies a deployment operator, compiles it, and serves it over KServe v2 until SIGTERM / SIGINT.
//   edgerun-serve --model resnet-student --port 0 --port-file /tmp/port --tier edge --link-mbit 200 --rtt-ms 10
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <thread>

#include "graph/onnx/onnx_importer.h"
#include "models/zoo/zoo.h"
#include "tools/common/kernel_options.h"
#include "tools/common/model_inputs.h"
#include "tools/common/model_source.h"
#include "tools/deployment/deployment_operator.h"
#include "tools/serve/tier_server.h"

using namespace edgerun;
using namespace edgerun::serve;

namespace {

int fail(const Status& st) {
  std::fprintf(stderr, "edgerun-serve: %s\n", st.to_string().c_str());
  return 1;
}

void add_link_options(CLI::App& app, const std::string& prefix, const std::string& whose, LinkProfile* link) {
  app.add_option("--" + prefix + "link-mbit", link->mbit_per_s, whose + " bandwidth in Mbit/s (0: unlimited)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--" + prefix + "rtt-ms", link->rtt_ms, whose + " round-trip time in ms")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--" + prefix + "jitter-ms", link->jitter_ms, whose + " one-way delay jitter in ms (uniform +-)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
}

Result<std::unique_ptr<Session>> load_model(const std::string& model, const OperatorOptions& op,
                                            const SessionOptions& options, std::string* default_name) {
  ASSIGN_OR_RETURN(ModelSource source, resolve_model(model));
  auto loaded = source.zoo_name.empty() ? onnx::import_model_file(source.path) : zoo::build_zoo_model(source.zoo_name);
  if (!loaded.ok()) return loaded.status();
  ASSIGN_OR_RETURN(AppliedOperator applied, apply_for_latency(loaded.value(), op));
  *default_name = source.zoo_name.empty() ? loaded.value().name : source.zoo_name;
  if (default_name->empty()) *default_name = "model";
  return Session::from_graph(std::move(applied.graph), options);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"edgerun-serve: a tier server speaking the Open Inference Protocol (KServe v2)"};
  std::string model, op_name = "identity", name, next_url, port_file;
  std::vector<std::string> dims;
  int threads = 1;
  double max_request_mb = 512;
  TierServerOptions server;
  app.add_option("--model", model, "zoo model name or ONNX model file")->required();
  app.add_option("--op", op_name, "deployment operator: identity, sptq, qat")->capture_default_str();
  app.add_option("--name", name, "served model name (default: the model's)");
  app.add_option("--host", server.host, "address to listen on")->capture_default_str();
  app.add_option("--port", server.port, "port (0: any free port)")->check(CLI::Range(0, 65535))->capture_default_str();
  app.add_option("--port-file", port_file, "write the bound port to this file once listening");
  app.add_option("--threads", threads, "threads for the kernels")->check(CLI::Range(1, 256))->capture_default_str();
  app.add_option("--dim", dims, "bind a symbolic input dim, NAME=SIZE (default 1)");
  app.add_option("--tier", server.tier, "tier label echoed in responses")->capture_default_str();
  add_link_options(app, "", "this tier's link (paces responses):", &server.link);
  app.add_option("--next", next_url, "next tier for partition tails, http://HOST:PORT");
  add_link_options(app, "next-", "the next tier's link (paces forwarded requests):", &server.next_link);
  app.add_option("--max-request-mb", max_request_mb, "largest request body (MiB); larger gets 413")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--timeout-s", server.timeout_s, "timeout of every socket read/write and of forwards")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  KernelOptions kernel_options;
  add_kernel_options(app, kernel_options);
  CLI11_PARSE(app, argc, argv);

  SessionOptions options;
  options.threads = threads;
  if (Status st = apply_kernel_options(kernel_options, &options); !st.ok()) return fail(st);
  auto bindings = parse_dim_bindings(dims);
  if (!bindings.ok()) return fail(bindings.status());
  options.dim_bindings = bindings.value();
  OperatorOptions op;
  auto parsed_op = parse_deployment_op(op_name);
  if (!parsed_op.ok()) return fail(parsed_op.status());
  op.op = parsed_op.value();
  op.sptq.threads = threads;
  server.max_request_bytes = static_cast<size_t>(max_request_mb * (1 << 20));

  // Tier profiles and self-limiting (cgroup CPU quota / memory limit, duty-cycle fallback) go here,
  // before the model loads: they set threads, ISA cap, links, and limit this process.

  std::string default_name;
  auto session = load_model(model, op, options, &default_name);
  if (!session.ok()) return fail(session.status());
  server.model_name = name.empty() ? default_name : name;
  if (!next_url.empty()) {
    auto next = parse_endpoint_url(next_url);
    if (!next.ok()) return fail(next.status());
    server.next = next.value();
    server.next->model = server.model_name;
  }

  // SIGTERM / SIGINT are taken by a waiting thread (not a handler), which may stop the server safely.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto created = TierServer::create(std::move(session).value(), server);
  if (!created.ok()) return fail(created.status());
  TierServer& tier = *created.value();
  auto port = tier.bind();
  if (!port.ok()) return fail(port.status());
  if (!port_file.empty()) {  // written whole, then renamed: a spawner polling it never reads half a line
    const std::string tmp = port_file + ".tmp";
    std::ofstream out(tmp);
    out << port.value() << "\n";
    out.close();
    if (!out || std::rename(tmp.c_str(), port_file.c_str()) != 0) {
      return fail(io_error("cannot write the port file " + port_file));
    }
  }
  std::thread waiter([&tier, &signals] {
    int signal = 0;
    sigwait(&signals, &signal);
    tier.stop();
  });
  std::printf("edgerun-serve: %s on %s:%d, %zu steps, tier %s\n", server.model_name.c_str(), server.host.c_str(),
              port.value(), tier.num_steps(), server.tier.c_str());
  std::fflush(stdout);
  const Status st = tier.serve();
  // serve() ended on a signal (the waiter has stopped it) or on a failure: wake the waiter if needed.
  if (!st.ok()) pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return st.ok() ? 0 : fail(st);
}
