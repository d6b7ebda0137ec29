// The tier server killed (SIGKILL, as a crash) and restarted on the same port while clients send.
// Concurrent clients: every request is either answered bit for bit (this process's Session output for its
// input) or fails with an error naming the server's address, never a wrong answer or a hang; requests
// are answered before the kill and every one sent after the restarted server is ready. The placement
// client with the local fallback: every outcome is exact, requests fall back while the tier is down and
// are served again after the restart. A restart onto a port taken meanwhile is a clear error. Reports
// requests, failures, fallbacks, p99 and the time to recover.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/plan.h"
#include "tests/placement/load_support.h"
#include "tools/placement/placed_request.h"
#include "tools/placement/tier_process.h"
#include "tools/serve/tier_client.h"

namespace edgerun {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kThreads = 8;
constexpr int kInputs = 5;  // coprime with kThreads: every thread sends every input in turn
const serve::ClientTimeouts kTimeouts{2, 5};
constexpr double kMaxRequestS = 12;  // a request that took longer hung on the dead server

const std::string kModel = std::string(EDGERUN_TEST_DATA_DIR) + "/e2e/mobilenet_small/model.onnx";

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// Polls `done` every 5 ms for up to `timeout_s`; whether it came true.
bool wait_until(const std::function<bool()>& done, double timeout_s) {
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

Cases load_cases(std::unique_ptr<Session>* local) {
  auto loaded = Session::load_file(kModel);
  REQUIRE_MESSAGE(loaded.ok(), loaded.status().to_string());
  *local = std::move(loaded).value();
  auto made = make_cases(**local, kInputs);
  REQUIRE_MESSAGE(made.ok(), made.status().to_string());
  return std::move(made).value();
}

struct Sent {
  Clock::time_point start, end;
  bool answered = false;  // exactly
  bool wrong = false;     // answered, but not the outputs of its input
  std::string failure;    // the status of a failed request
};

TEST_CASE("a tier server killed and restarted under load: exact answers or clear errors, then served again") {
  std::unique_ptr<Session> local;
  const Cases cases = load_cases(&local);
  auto started = start_served(kModel, "faults", {"--threads", "1"});
  REQUIRE_MESSAGE(started.ok(), started.status().to_string());
  TierProcess& server = *started.value().process;
  const serve::Endpoint endpoint = started.value().endpoint;

  std::atomic<bool> stop{false};
  std::vector<std::vector<Sent>> sent(kThreads);
  std::vector<std::thread> clients;
  for (int t = 0; t < kThreads; ++t) {
    clients.emplace_back([&, t] {
      for (int i = t; !stop; i += kThreads) {
        const size_t input = static_cast<size_t>(i % kInputs);
        Sent s;
        s.start = Clock::now();
        auto answer = serve::infer(endpoint, cases.inputs[input], nlohmann::json::object(), nullptr, kTimeouts);
        s.end = Clock::now();
        if (!answer.ok()) {
          s.failure = answer.status().to_string();
        } else {
          s.wrong = !same_bits(answer.value().outputs, cases.expected[input]);
          s.answered = !s.wrong;
        }
        sent[t].push_back(std::move(s));
        // A client pauses after a failure, as a real one would: else eight clients spinning on a refused
        // connection take the CPU the restarting server needs.
        if (!answer.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
  }
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const auto killed = Clock::now();
  server.kill_now();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto restarting = Clock::now();
  const Status restarted = server.restart();
  const Status ready = restarted.ok() ? serve::wait_ready(endpoint, 30) : restarted;
  const auto ready_at = Clock::now();
  if (ready.ok()) std::this_thread::sleep_for(std::chrono::seconds(1));
  stop = true;
  for (std::thread& c : clients) c.join();
  REQUIRE_MESSAGE(restarted.ok(), restarted.to_string());
  REQUIRE_MESSAGE(ready.ok(), ready.to_string());

  std::vector<Sent> all;
  for (auto& s : sent) all.insert(all.end(), s.begin(), s.end());
  std::vector<double> answered_ms;
  size_t failed = 0, wrong = 0, unnamed = 0, answered_before_kill = 0, after_ready = 0, failed_after_ready = 0;
  double slowest_ms = 0, recovery_ms = -1;
  std::string first_unnamed, first_failed_after_ready;
  for (const Sent& s : all) {
    const double ms = ms_between(s.start, s.end);
    slowest_ms = std::max(slowest_ms, ms);
    if (s.answered) answered_ms.push_back(ms);
    if (s.answered && s.end < killed) ++answered_before_kill;
    if (s.answered && s.end > restarting && (recovery_ms < 0 || ms_between(killed, s.end) < recovery_ms))
      recovery_ms = ms_between(killed, s.end);
    if (s.wrong) ++wrong;
    if (!s.failure.empty()) {
      ++failed;
      if (s.failure.find("tier server " + endpoint.address()) == std::string::npos && unnamed++ == 0)
        first_unnamed = s.failure;
    }
    if (s.start >= ready_at) {
      ++after_ready;
      if (!s.answered && failed_after_ready++ == 0) first_failed_after_ready = s.failure;
    }
  }
  std::sort(answered_ms.begin(), answered_ms.end());
  char report[400];
  std::snprintf(report, sizeof(report),
                "serve_faults: %zu requests from %d threads over %.1f s, %zu failed, %zu wrong; answered p99 %.1f ms, "
                "slowest request %.0f ms; killed at %.2f s, restarted 300 ms later, ready %.0f ms after the kill; "
                "first answer %.0f ms after the kill; %zu requests sent after ready, %zu failed",
                all.size(), kThreads, ms_between(t0, Clock::now()) / 1000, failed, wrong,
                answered_ms.empty() ? 0.0 : percentile(answered_ms, 0.99), slowest_ms, ms_between(t0, killed) / 1000,
                ms_between(killed, ready_at), recovery_ms, after_ready, failed_after_ready);
  MESSAGE(report);
  CHECK(wrong == 0);
  CHECK_MESSAGE(unnamed == 0, first_unnamed);
  CHECK(slowest_ms < kMaxRequestS * 1000);
  CHECK(answered_before_kill > 0);
  CHECK(after_ready > 0);
  CHECK_MESSAGE(failed_after_ready == 0, first_failed_after_ready);
  CHECK(recovery_ms > 0);
  // The restarted server stops cleanly too (under ASan: no leak reported at its exit).
  auto exit_code = server.stop();
  CHECK_MESSAGE(exit_code.ok(), exit_code.status().to_string());
  if (exit_code.ok()) CHECK_MESSAGE(exit_code.value() == 0, "server log:\n" << server.log());
}

// One edge tier with a fast link and no limits: the test spends its time on the fault.
const char* const kEdgeTier = R"({
  "description": "fault_test: one edge tier with a fast link",
  "tiers": [
    {"name": "edge", "threads": 1, "cpu_share": 1, "isa": "native", "memory": "2GiB",
     "link": {"bandwidth_mbit": 2000, "rtt_ms": 1, "jitter_ms": 0}}
  ]
})";

struct TiersFile {
  std::string path;
  TiersFile() {
    char name[] = "/tmp/edgerun-fault-test-XXXXXX";
    const int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    close(fd);
    path = name;
    std::ofstream(path) << kEdgeTier;
  }
  ~TiersFile() { std::remove(path.c_str()); }
};

struct Placed {
  Clock::time_point start;
  bool exact = false;
  bool fell_back = false;
  std::string failure;  // why it fell back, or the error of a failed outcome
};

TEST_CASE("with the local fallback, a killed and restarted tier: exact outcomes, fallbacks while down, served after") {
  std::unique_ptr<Session> local;
  const Cases cases = load_cases(&local);
  const TiersFile tiers_file;
  auto tiers = load_tiers(tiers_file.path);
  REQUIRE_MESSAGE(tiers.ok(), tiers.status().to_string());
  ServedModelSpec spec;
  spec.args = {"--model", kModel};
  spec.tiers_file = tiers_file.path;
  spec.limit = "none";
  spec.server_path = EDGERUN_SERVE_BINARY;
  auto started = PlacementServers::start(parse_placement("edge").value(), tiers.value(), spec);
  REQUIRE_MESSAGE(started.ok(), started.status().to_string());
  PlacementServers& servers = *started.value();
  const serve::Endpoint endpoint{"127.0.0.1", servers.tier(0).port(), ""};
  const size_t num_steps = local->plan()->num_steps();

  std::atomic<bool> stop{false};
  std::atomic<int> served{0}, fell_back{0};
  std::vector<Placed> placed;
  std::thread client([&] {
    for (size_t i = 0; !stop; ++i) {
      const size_t input = i % kInputs;
      Placed p;
      p.start = Clock::now();
      auto outcome = run_placed_request(servers, cases.inputs[input], num_steps, *local, /*fallback_local=*/true);
      if (!outcome.ok()) {
        p.failure = outcome.status().to_string();
      } else {
        p.exact = same_bits(outcome.value().outputs, cases.expected[input]);
        p.fell_back = outcome.value().fell_back;
        p.failure = outcome.value().failure;
        ++(p.fell_back ? fell_back : served);
      }
      placed.push_back(std::move(p));
    }
  });
  // Served, then killed: requests fall back until the restart; then served again.
  const bool served_first = wait_until([&] { return served >= 3; }, 30);
  servers.tier(0).kill_now();
  const bool fell_back_while_down = wait_until([&] { return fell_back >= 1; }, 30);
  const Status restarted = servers.tier(0).restart();
  const Status ready = restarted.ok() ? serve::wait_ready(endpoint, 30) : restarted;
  const auto ready_at = Clock::now();
  const int served_at_ready = served;
  const bool served_after = ready.ok() && wait_until([&] { return served >= served_at_ready + 3; }, 30);
  stop = true;
  client.join();
  REQUIRE(served_first);
  REQUIRE(fell_back_while_down);
  REQUIRE_MESSAGE(restarted.ok(), restarted.to_string());
  REQUIRE_MESSAGE(ready.ok(), ready.to_string());
  CHECK(served_after);

  size_t inexact = 0, unnamed = 0, after_ready = 0, fell_back_after_ready = 0;
  std::string first_inexact, first_unnamed;
  for (const Placed& p : placed) {
    if (!p.exact && inexact++ == 0)
      first_inexact = p.failure.empty() ? "outputs differ from the local session's" : p.failure;
    const bool named = p.failure.find("placement edge: tier server " + endpoint.address()) != std::string::npos;
    if (p.fell_back && !named && unnamed++ == 0) first_unnamed = p.failure;
    if (p.start >= ready_at) {
      ++after_ready;
      if (p.fell_back) ++fell_back_after_ready;
    }
  }
  char report[300];
  std::snprintf(report, sizeof(report),
                "serve_faults with fallback: %zu requests, %d served, %d fell back (tier killed and restarted), "
                "%zu after the restart was ready, %zu of them fell back",
                placed.size(), served.load(), fell_back.load(), after_ready, fell_back_after_ready);
  MESSAGE(report);
  CHECK_MESSAGE(inexact == 0, first_inexact);
  CHECK_MESSAGE(unnamed == 0, first_unnamed);
  CHECK(fell_back > 0);
  CHECK(after_ready >= 3);
  CHECK(fell_back_after_ready == 0);
}

// A socket listening on 127.0.0.1:port (SO_REUSEADDR, as the server's: the killed server's connections
// in TIME_WAIT do not hold the port); -1 when the port is still taken.
int listen_on(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0 || listen(fd, 1) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

TEST_CASE("a restart whose port was taken meanwhile is a clear error; a server killed is no clean exit") {
  auto started = start_served(kModel, "faults");
  REQUIRE_MESSAGE(started.ok(), started.status().to_string());
  TierProcess& server = *started.value().process;
  const int port = server.port();
  const serve::Endpoint endpoint = started.value().endpoint;

  server.kill_now();
  int taken = -1;
  REQUIRE(wait_until([&] { return (taken = listen_on(port)) >= 0; }, 10));  // once the killed server let go
  const Status refused = server.restart();
  close(taken);
  REQUIRE_FALSE(refused.ok());
  MESSAGE(refused.to_string());
  CHECK(refused.to_string().find("restarting tier faults on port " + std::to_string(port)) != std::string::npos);
  CHECK(refused.to_string().find("cannot listen on 127.0.0.1:" + std::to_string(port)) != std::string::npos);

  // The port free again, the restart takes it.
  const Status restarted = server.restart();
  REQUIRE_MESSAGE(restarted.ok(), restarted.to_string());
  CHECK(server.port() == port);
  REQUIRE(serve::wait_ready(endpoint, 30).ok());

  server.kill_now();
  auto exit_code = server.stop();
  REQUIRE_FALSE(exit_code.ok());
  CHECK(exit_code.status().to_string().find("tier faults server died of signal 9") != std::string::npos);
}

// A stand-in server that writes its port file and, on SIGTERM, exits 3 (as a server whose exit
// LeakSanitizer failed would exit nonzero): stop() reports that code, not only whether it exited.
TEST_CASE("stop() returns the server's own exit code") {
  char name[] = "/tmp/edgerun-fake-server-XXXXXX";
  const int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  close(fd);
  const std::string script = name;
  std::ofstream(script) << R"(#!/bin/sh
trap 'exit 3' TERM
for a; do last=$a; done
printf '1234\n' > "$last"
while true; do sleep 0.05; done
)";
  REQUIRE(chmod(script.c_str(), 0755) == 0);
  TierProcessOptions options;
  options.tier = "fake";
  options.server_path = script;
  auto started = TierProcess::start(options);
  REQUIRE_MESSAGE(started.ok(), started.status().to_string());
  CHECK(started.value()->port() == 1234);
  auto exit_code = started.value()->stop();
  std::remove(script.c_str());
  REQUIRE_MESSAGE(exit_code.ok(), exit_code.status().to_string());
  CHECK(exit_code.value() == 3);
}

}  // namespace
}  // namespace edgerun
