// Placements on real tier processes: edgerun-serve servers started as bench_engine starts them, a
// partitioned model run through two of them at every cut against this process's own run (exact: both
// sides run the same kernels on the same plan), the cost model's choice, and the faults a client must
// survive (a tier killed, unreachable) with and without the local fallback.
#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <future>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "engine/plan.h"
#include "tests/support/tensor_compare.h"
#include "tools/common/model_inputs.h"
#include "tools/placement/cut_choice.h"
#include "tools/placement/placed_request.h"

namespace edgerun {
namespace {

// Fast mobile and edge links, so the test spends its time on the checks (the mobile tier keeps its half
// CPU); a slow cloud link, so a tier can be killed while a tensor is on the wire.
const char* const kTestTiers = R"({
  "description": "placement_test: the built-in shares with fast links",
  "tiers": [
    {"name": "mobile", "threads": 1, "cpu_share": 0.5, "isa": "native", "memory": "2GiB",
     "link": {"bandwidth_mbit": 2000, "rtt_ms": 1, "jitter_ms": 0}},
    {"name": "edge", "threads": 1, "cpu_share": 1, "isa": "native", "memory": "2GiB",
     "link": {"bandwidth_mbit": 2000, "rtt_ms": 1, "jitter_ms": 0}},
    {"name": "cloud", "threads": 2, "cpu_share": 2, "isa": "native", "memory": "2GiB",
     "link": {"bandwidth_mbit": 2, "rtt_ms": 2, "jitter_ms": 0.5}}
  ]
})";

struct Fixture {
  std::string tiers_file;
  TierSet tiers;
  std::unique_ptr<Session> local;
  std::vector<NamedTensor> inputs;
  std::vector<NamedTensor> expected;

  explicit Fixture(const std::string& model) {
    char name[] = "/tmp/edgerun-placement-test-XXXXXX";
    const int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    close(fd);
    tiers_file = name;
    std::ofstream(tiers_file) << kTestTiers;
    tiers = load_tiers(tiers_file).value();
    local = Session::load_file(std::string(EDGERUN_TEST_DATA_DIR) + "/e2e/" + model + "/model.onnx").value();
    inputs = make_random_inputs(*local).value();
    REQUIRE(local->run(inputs, &expected).ok());
  }
  ~Fixture() { std::remove(tiers_file.c_str()); }

  ServedModelSpec spec(const std::string& model, const std::string& limit = "none") const {
    ServedModelSpec s;
    s.args = {"--model", std::string(EDGERUN_TEST_DATA_DIR) + "/e2e/" + model + "/model.onnx"};
    s.tiers_file = tiers_file;
    s.limit = limit;
    s.server_path = EDGERUN_SERVE_BINARY;
    return s;
  }
};

void check_outputs(const std::vector<NamedTensor>& actual, const std::vector<NamedTensor>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    CHECK(actual[i].name == expected[i].name);
    CHECK(testing::compare_tensors(actual[i].tensor, expected[i].tensor, {0, 0}) == "");
  }
}

TEST_CASE("placements parse by the studies' names") {
  CHECK(parse_placement("mobile-edge").value().tiers == std::vector<std::string>{"mobile", "edge"});
  CHECK(parse_placement("cloud").value().tiers == std::vector<std::string>{"cloud"});
  CHECK(parse_placement("edge-mobile").status().to_string().find("unknown placement 'edge-mobile'") !=
        std::string::npos);
}

TEST_CASE("a mobile-edge partition gives this process's outputs at every cut") {
  Fixture f("resnet50_small");
  auto servers = PlacementServers::start(parse_placement("mobile-edge").value(), f.tiers, f.spec("resnet50_small"));
  REQUIRE_MESSAGE(servers.ok(), servers.status().to_string());
  const Plan& plan = *f.local->plan();
  const auto cuts = partition::enumerate_cuts(plan);
  REQUIRE(cuts.size() == plan.num_steps() + 1);
  for (const partition::CutPoint& cut : cuts) {
    CAPTURE(cut.step);
    auto outcome = run_placed_request(*servers.value(), f.inputs, cut.step, *f.local, /*fallback_local=*/false);
    REQUIRE_MESSAGE(outcome.ok(), outcome.status().to_string());
    check_outputs(outcome.value().outputs, f.expected);
    const RequestRecord& r = outcome.value().record;
    // Cut N stays on the first tier; every other cut also crosses the second link.
    CHECK(r.compute_ms.size() == (cut.step == plan.num_steps() ? 1u : 2u));
    CHECK(r.link_bytes[0] > static_cast<int64_t>(f.inputs[0].tensor.byte_size()));
    if (r.link_bytes.size() == 2) CHECK(r.link_bytes[1] > cut.bytes);
  }
}

TEST_CASE("cold requests rebuild every tier's session inside its compute; warm ones follow; peak memory per tier") {
  Fixture f("resnet50_small");
  auto servers = PlacementServers::start(parse_placement("mobile-edge").value(), f.tiers, f.spec("resnet50_small"));
  REQUIRE_MESSAGE(servers.ok(), servers.status().to_string());
  PlacementServers& s = *servers.value();
  const size_t cut = f.local->plan()->num_steps() / 2;
  for (bool cold : {true, false, true}) {
    CAPTURE(cold);
    auto outcome = run_placed_request(s, f.inputs, cut, *f.local, false, -1, cold);
    REQUIRE_MESSAGE(outcome.ok(), outcome.status().to_string());
    check_outputs(outcome.value().outputs, f.expected);
    const RequestRecord& r = outcome.value().record;
    REQUIRE(r.rebuild_ms.size() == 2);
    for (size_t t = 0; t < 2; ++t) {
      CAPTURE(t);
      CHECK((r.rebuild_ms[t] > 0) == cold);
      CHECK(r.compute_ms[t] >= r.rebuild_ms[t]);
    }
  }
  for (size_t t = 0; t < s.num_tiers(); ++t) {
    auto peak = s.tier(t).peak_memory_mb();
    REQUIRE_MESSAGE(peak.ok(), peak.status().to_string());
    CHECK(peak.value() > 1);  // a loaded model and its arena: well over a MiB
  }
  // A dead (unreaped) server has no VmHWM line: an error, no crash, once SIGKILL has taken it.
  s.tier(1).kill_now();
  Result<double> gone = s.tier(1).peak_memory_mb();
  for (int i = 0; i < 200 && gone.ok(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    gone = s.tier(1).peak_memory_mb();
  }
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.status().to_string().find("/status") != std::string::npos);
}

TEST_CASE("a text model's late input (the attention mask) crosses the cut") {
  Fixture f("bert");
  auto servers = PlacementServers::start(parse_placement("edge-cloud").value(), f.tiers, f.spec("bert"));
  REQUIRE_MESSAGE(servers.ok(), servers.status().to_string());
  const Plan& plan = *f.local->plan();
  for (size_t step : {size_t{1}, plan.num_steps() / 2, plan.num_steps() - 1}) {
    CAPTURE(step);
    auto cut = partition::cut_at(plan, step);
    REQUIRE(cut.ok());
    auto outcome = run_placed_request(*servers.value(), f.inputs, step, *f.local, false);
    REQUIRE_MESSAGE(outcome.ok(), outcome.status().to_string());
    check_outputs(outcome.value().outputs, f.expected);
  }
}

TEST_CASE("the cost model predicts every cut and picks one; bad cut specs are refused") {
  Fixture f("resnet50_small");
  auto servers = PlacementServers::start(parse_placement("mobile-cloud").value(), f.tiers, f.spec("resnet50_small"));
  REQUIRE_MESSAGE(servers.ok(), servers.status().to_string());
  const Plan& plan = *f.local->plan();
  auto predicted = predict_cuts(*servers.value(), plan, f.inputs, 1);
  REQUIRE_MESSAGE(predicted.ok(), predicted.status().to_string());
  CHECK(predicted.value().costs.size() == predicted.value().cuts.size());
  CHECK(predicted.value().inputs.head_step_ms.size() == plan.num_steps());
  auto chosen = choose_cut("auto", *servers.value(), plan, "", f.inputs, 1);
  REQUIRE(chosen.ok());
  CHECK(chosen.value().how.find("auto") == 0);
  CHECK(choose_cut("7", *servers.value(), plan, "", f.inputs, 1).value().cut.step == 7);
  CHECK(choose_cut("paper", *servers.value(), plan, "", f.inputs, 1).status().to_string().find("zoo model") !=
        std::string::npos);
  CHECK(!choose_cut("seven", *servers.value(), plan, "", f.inputs, 1).ok());
  CHECK(!choose_cut("100000", *servers.value(), plan, "", f.inputs, 1).ok());
}

TEST_CASE("a killed tier is a clear error, never a hang; the local fallback finishes the request") {
  Fixture f("resnet50_small");
  auto servers = PlacementServers::start(parse_placement("mobile-edge").value(), f.tiers, f.spec("resnet50_small"));
  REQUIRE_MESSAGE(servers.ok(), servers.status().to_string());
  PlacementServers& s = *servers.value();
  const size_t cut = f.local->plan()->num_steps() / 2;

  s.tier(1).kill_now();  // the edge server dies: the mobile tier cannot forward
  const auto t0 = std::chrono::steady_clock::now();
  auto failed = run_placed_request(s, f.inputs, cut, *f.local, false);
  REQUIRE(!failed.ok());
  MESSAGE(failed.status().to_string());
  CHECK(failed.status().to_string().find("placement mobile-edge") != std::string::npos);
  auto recovered = run_placed_request(s, f.inputs, cut, *f.local, true);
  REQUIRE(recovered.ok());
  CHECK(recovered.value().fell_back);
  check_outputs(recovered.value().outputs, f.expected);
  // Cut N does not need the edge tier: the mobile tier still serves it.
  auto mobile_only = run_placed_request(s, f.inputs, f.local->plan()->num_steps(), *f.local, false);
  CHECK_MESSAGE(mobile_only.ok(), mobile_only.status().to_string());

  s.tier(0).kill_now();  // now the first tier too: unreachable
  auto unreachable = run_placed_request(s, f.inputs, cut, *f.local, false);
  REQUIRE(!unreachable.ok());
  MESSAGE(unreachable.status().to_string());
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(waited < 60);  // the client's socket timeouts, not a hang
}

// Kills tier `victim` 80 ms into a request whose input crosses the 2 Mbit/s cloud link (~200 ms).
Status request_with_kill(PlacementServers& s, size_t victim, const Fixture& f, size_t cut) {
  auto pending =
      std::async(std::launch::async, [&] { return run_placed_request(s, f.inputs, cut, *f.local, false).status(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(80));
  s.tier(victim).kill_now();
  return pending.get();
}

TEST_CASE("a tier killed while a tensor is on the wire: a clear error, never a hang") {
  Fixture f("resnet50_small");
  const auto t0 = std::chrono::steady_clock::now();
  SUBCASE("the only tier dies mid-upload") {
    auto servers = PlacementServers::start(parse_placement("cloud").value(), f.tiers, f.spec("resnet50_small"));
    REQUIRE_MESSAGE(servers.ok(), servers.status().to_string());
    const Status st = request_with_kill(*servers.value(), 0, f, 0);
    MESSAGE(st.to_string());
    CHECK(st.to_string().find("placement cloud: tier server 127.0.0.1:") != std::string::npos);
  }
  SUBCASE("the second tier dies while the first forwards to it") {
    auto servers = PlacementServers::start(parse_placement("mobile-cloud").value(), f.tiers, f.spec("resnet50_small"));
    REQUIRE_MESSAGE(servers.ok(), servers.status().to_string());
    const Status st = request_with_kill(*servers.value(), 1, f, 0);
    MESSAGE(st.to_string());
    CHECK(st.to_string().find("answered 502: next tier") != std::string::npos);
  }
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(waited < 60);
}

// "memory needed: 22.5 MiB" in a server's log or "needs 22.5 MiB" in its error -> 22.5; -1 when absent.
double needed_mib(const std::string& text) {
  for (const char* key : {"memory needed: ", "server needs "}) {
    const size_t at = text.find(key);
    if (at != std::string::npos) return std::strtod(text.c_str() + at + std::strlen(key), nullptr);
  }
  return -1;
}

TEST_CASE("a tier memory budget that cannot hold the model is refused up front, with the size it needs") {
  Fixture f("resnet50_small");
  // With the default 2 GiB the edge tier starts and says what it needs.
  auto roomy = PlacementServers::start(parse_placement("edge").value(), f.tiers, f.spec("resnet50_small", "auto"));
  REQUIRE_MESSAGE(roomy.ok(), roomy.status().to_string());
  const double needed = needed_mib(roomy.value()->tier(0).log());
  MESSAGE(roomy.value()->tier(0).log());
  REQUIRE(needed > 1);
  const double peak = roomy.value()->tier(0).peak_memory_mb().value();
  CHECK(peak >= needed - 0.1);  // the same server measured from outside: its peak since
  CHECK(peak < needed + 16);
  roomy.value().reset();

  // The same model in a budget of 80% of that: refused at start-up, naming the tier and the size.
  nlohmann::json tight = nlohmann::json::parse(kTestTiers);
  tight["tiers"][1]["memory"] = static_cast<int64_t>(needed * 0.8 * (1 << 20));
  const std::string tight_file = f.tiers_file + ".tight";
  std::ofstream(tight_file) << tight.dump();
  const auto t0 = std::chrono::steady_clock::now();
  auto refused = PlacementServers::start(parse_placement("edge").value(), load_tiers(tight_file).value(),
                                         [&] {
                                           ServedModelSpec spec = f.spec("resnet50_small", "auto");
                                           spec.tiers_file = tight_file;
                                           return spec;
                                         }());
  std::remove(tight_file.c_str());
  REQUIRE_FALSE(refused.ok());
  const std::string error = refused.status().to_string();
  MESSAGE(error);
  CHECK(error.find("tier edge's memory budget of") != std::string::npos);
  CHECK(error.find("cannot hold model") != std::string::npos);
  const double stated = needed_mib(error);
  CHECK(stated > needed * 0.9);  // the size it needs, as the roomy server measured it
  CHECK(stated < needed * 1.1);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(60));  // at start-up, no OOM kill later
}

TEST_CASE("a tier server limits its CPU share and says how") {
  Fixture f("resnet50_small");
  auto servers = PlacementServers::start(parse_placement("mobile").value(), f.tiers, f.spec("resnet50_small", "auto"));
  REQUIRE_MESSAGE(servers.ok(), servers.status().to_string());
  const std::string log = servers.value()->tier(0).log();
  MESSAGE(log);
  const bool cgroup = log.find("cpu.cfs_quota_us") != std::string::npos;
  const bool duty = log.find("duty cycle") != std::string::npos;
  CHECK((cgroup || duty));
  auto outcome = run_placed_request(*servers.value(), f.inputs, 0, *f.local, false);
  REQUIRE(outcome.ok());
  check_outputs(outcome.value().outputs, f.expected);
}

}  // namespace
}  // namespace edgerun
