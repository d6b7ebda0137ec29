// edgerun-serve: one tier's server (tools/serve/tier_server.h). Loads a model (zoo name or ONNX file),
// applies a deployment operator, compiles it, and serves it over KServe v2 until SIGTERM / SIGINT.
// With --tier NAME it takes that tier's profile (tools/tier/tiers.json or --tiers FILE): threads, ISA
// cap and link (options given explicitly win over the profile). Once the model is loaded and has run
// once, it refuses a memory budget below what that took, naming the size, and otherwise limits itself
// to the tier's CPU share and memory before it serves.
//   edgerun-serve --model resnet-student --port 0 --tier edge
//   edgerun-serve --model resnet-student --port 8000 --link-mbit 200 --rtt-ms 10   (no tier, no limits)
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <optional>
#include <thread>

#include "tools/common/kernel_options.h"
#include "tools/common/limit_options.h"
#include "tools/common/model_inputs.h"
#include "tools/deployment/deployment_operator.h"
#include "tools/deployment/operator_cli.h"
#include "tools/serve/tier_server.h"
#include "tools/tier/process_memory.h"
#include "tools/tier/resource_limit.h"
#include "tools/tier/tier_profile.h"

using namespace edgerun;
using namespace edgerun::serve;

namespace {

int fail(const Status& st) {
  std::fprintf(stderr, "edgerun-serve: %s\n", st.to_string().c_str());
  return 1;
}

void add_link_options(CLI::App& app, const std::string& prefix, const std::string& whose, LinkProfile* link) {
  app.add_option("--" + prefix + "link-mbit", link->bandwidth_mbit, whose + " bandwidth in Mbit/s (0: unlimited)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--" + prefix + "rtt-ms", link->rtt_ms, whose + " round-trip time in ms")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--" + prefix + "jitter-ms", link->jitter_ms, whose + " one-way delay jitter in ms (uniform +-)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
}

// Runs the model once on generated inputs of its default shapes.
Status warm_up(Session& session) {
  ASSIGN_OR_RETURN(std::vector<NamedTensor> inputs, make_random_inputs(session));
  std::vector<NamedTensor> outputs;
  return session.run(inputs, &outputs);
}

struct TierArgs {
  std::string tier, tiers_file, next_tier, limit = "auto";
};

struct TierChoice {
  TierProfile profile;
  LimitMethod method = LimitMethod::kAuto;
  std::string source;  // where the profiles came from
};

// Applies the tier profiles to what the command line left unset; returns the tier to limit this process
// to once the model is loaded (none without --tier).
Result<std::optional<TierChoice>> resolve_tier(const CLI::App& app, const TierArgs& args, int* threads,
                                               KernelOptions* kernel, TierServerOptions* server) {
  if (args.tier.empty()) {
    if (!args.next_tier.empty()) return invalid_argument("--next-tier needs --tier");
    return std::optional<TierChoice>();
  }
  ASSIGN_OR_RETURN(TierSet tiers, load_tiers(args.tiers_file));
  ASSIGN_OR_RETURN(const TierProfile* profile, tiers.find(args.tier));
  ASSIGN_OR_RETURN(LimitMethod method, parse_limit_method(args.limit));
  if (app.count("--threads") == 0) *threads = profile->threads;
  if (app.count("--isa") == 0 && profile->isa != "native") kernel->isa = profile->isa;
  if (app.count("--link-mbit") + app.count("--rtt-ms") + app.count("--jitter-ms") == 0) server->link = profile->link;
  if (!args.next_tier.empty() && app.count("--next-link-mbit") + app.count("--next-rtt-ms") + app.count("--next-jitter-ms") == 0) {
    ASSIGN_OR_RETURN(const TierProfile* next, tiers.find(args.next_tier));
    server->next_link = next->link;
  }
  return std::optional<TierChoice>(TierChoice{*profile, method, tiers.source});
}

// Limits this process to its tier, with the model loaded, compiled and run once: its peak resident set
// so far is what the model needs, so a budget below it is refused here, saying the size, rather than
// ending in the kernel's OOM kill at the first request. Prints what it applied.
Status limit_to_tier(const TierChoice& tier, const std::string& model, int threads, const KernelOptions& kernel) {
  const TierProfile& p = tier.profile;
  ASSIGN_OR_RETURN(int64_t needed, process_memory_bytes(0, MemoryFigure::kPeakResident));
  ASSIGN_OR_RETURN(int64_t held, process_memory_bytes(0, MemoryFigure::kResident));
  if (p.memory_bytes > 0 && tier.method != LimitMethod::kNone && needed > p.memory_bytes) {
    return out_of_range("tier " + p.name + "'s memory budget of " + format_mib(p.memory_bytes) +
                        " cannot hold model '" + model + "': this server needs " + format_mib(needed) +
                        " with it loaded, compiled and run once (its peak resident set); give the tier at least " +
                        "that (\"memory\" in " + tier.source + ") or serve a smaller model");
  }
  remove_stale_tier_cgroups();
  ASSIGN_OR_RETURN(ResourceLimitReport report, limit_this_process(p.name, p.cpu_share, p.memory_bytes, tier.method, held));
  std::printf("edgerun-serve: tier %s (%s): %d thread(s), ISA %s\n", p.name.c_str(), tier.source.c_str(), threads,
              kernel.isa.empty() ? "native" : kernel.isa.c_str());
  std::printf("edgerun-serve: memory needed: %s (peak resident set with the model loaded, compiled and run once)\n",
              format_mib(needed).c_str());
  std::printf("edgerun-serve: cpu limit: %s\n", report.cpu.c_str());
  std::printf("edgerun-serve: memory limit: %s\n", report.memory.c_str());
  std::fflush(stdout);
  return Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"edgerun-serve: a tier server speaking the Open Inference Protocol (KServe v2)"};
  std::string model, name, next_url, port_file;
  std::vector<std::string> dims;
  int threads = 1;
  double max_request_mb = 512;
  TierServerOptions server;
  app.add_option("--model", model, "zoo model name or ONNX model file")->required();
  OperatorCli op_cli;
  add_operator_options(app, op_cli, /*accuracy=*/false);
  app.add_option("--name", name, "served model name (default: the model's)");
  app.add_option("--host", server.host, "address to listen on")->capture_default_str();
  app.add_option("--port", server.port, "port (0: any free port)")->check(CLI::Range(0, 65535))->capture_default_str();
  app.add_option("--port-file", port_file, "write the bound port to this file once listening");
  app.add_option("--threads", threads, "threads for the kernels")->check(CLI::Range(1, 256))->capture_default_str();
  app.add_option("--dim", dims, "bind a symbolic input dim, NAME=SIZE (default 1)");
  TierArgs tier_args;
  app.add_option("--tier", tier_args.tier, "run as this tier: its profile's threads, ISA, link, CPU share, memory");
  app.add_option("--tiers", tier_args.tiers_file, "tier profiles JSON (default: the built-in tools/tier/tiers.json)");
  app.add_option("--limit", tier_args.limit, "how the tier limits itself: auto, cgroup, duty, none")
      ->capture_default_str();
  app.add_option("--next-tier", tier_args.next_tier, "the next tier's profile name (its link paces forwards)");
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
  ModelLimits limits;
  add_model_limit_options(app, limits);
  CLI11_PARSE(app, argc, argv);

  // SIGTERM / SIGINT are taken by a waiting thread (not a handler), which may stop the server safely.
  // Blocked before any thread exists (loading and the warm-up start OpenMP workers), so that every
  // thread inherits the mask; one that arrives while the model loads stops the server once it is up.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto tier = resolve_tier(app, tier_args, &threads, &kernel_options, &server);
  if (!tier.ok()) return fail(tier.status());
  if (tier.value()) server.tier = tier.value()->profile.name;
  auto options = make_session_options(threads, kernel_options, dims);
  if (!options.ok()) return fail(options.status());
  options.value().limits = limits;
  auto parsed_op = operator_options(op_cli, threads);
  if (!parsed_op.ok()) return fail(parsed_op.status());
  const OperatorOptions& op = parsed_op.value();
  server.max_request_bytes = static_cast<size_t>(max_request_mb * (1 << 20));
  if (!next_url.empty()) {
    auto next = parse_endpoint_url(next_url);
    if (!next.ok()) return fail(next.status());
    server.next = next.value();
  }

  auto deployed = load_deployed_model(model, op, options.value());
  if (!deployed.ok()) return fail(deployed.status());
  // One run now: the memory the model needs is then resident (and measured before the tier limits this
  // process), and the first request pays no first-touch page faults.
  if (Status st = warm_up(*deployed.value().session); !st.ok()) return fail(st.with_context("warm-up run"));
  std::string default_name = deployed.value().source.zoo_name;
  if (default_name.empty()) default_name = deployed.value().session->graph().name;
  if (default_name.empty()) default_name = "model";
  server.model_name = name.empty() ? default_name : name;
  if (server.next) server.next->model = server.model_name;  // every tier serves the model by one name

  auto created = TierServer::create(std::move(deployed.value().session), options.value(), server);
  if (!created.ok()) return fail(created.status());
  TierServer& tier_server = *created.value();
  if (tier.value()) {
    if (Status st = limit_to_tier(*tier.value(), model, threads, kernel_options); !st.ok()) return fail(st);
  }
  // The model's compute thread (and its OpenMP workers) are in the tier's CPU cgroup now; this thread and
  // the network threads it starts next leave it: the link, not the CPU quota, paces transfers.
  if (Status st = exempt_this_thread_from_cpu_limit(); !st.ok()) return fail(st);
  auto port = tier_server.bind();
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
  std::thread waiter([&tier_server, &signals] {
    int signal = 0;
    sigwait(&signals, &signal);
    tier_server.stop();
  });
  std::printf("edgerun-serve: %s on %s:%d, %zu steps, tier %s\n", server.model_name.c_str(), server.host.c_str(),
              port.value(), tier_server.num_steps(), server.tier.c_str());
  std::fflush(stdout);
  const Status st = tier_server.serve();
  // serve() ended on a signal (the waiter has stopped it) or on a failure: wake the waiter if needed.
  if (!st.ok()) pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  if (tier.value()) {
    if (Status left = leave_tier_cgroups(); !left.ok()) std::fprintf(stderr, "edgerun-serve: %s\n", left.to_string().c_str());
  }
  return st.ok() ? 0 : fail(st);
}
