// The limits a tier process applies to itself, measured in forked children (a limit applies to the whole
// process, so never to the test runner itself): the cgroup files and the CPU time a busy loop gets.
// Only upper bounds on CPU time are asserted: a busy machine can only lower a child's CPU time, so only
// a working limiter makes them pass.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tools/tier/cgroup_v1.h"
#include "tools/tier/process_memory.h"
#include "tools/tier/resource_limit.h"

namespace edgerun {
namespace {

constexpr int64_t kMemory = int64_t(256) << 20;
constexpr double kBurnSeconds = 0.4;
constexpr size_t kTouched = size_t(16) << 20;

double seconds(clockid_t clock) {
  timespec t;
  clock_gettime(clock, &t);
  return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

// Keeps one CPU busy for kBurnSeconds of wall time; returns the CPU time this process got meanwhile.
double burn() {
  const double wall0 = seconds(CLOCK_MONOTONIC);
  const double cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
  volatile uint64_t x = 1;
  while (seconds(CLOCK_MONOTONIC) - wall0 < kBurnSeconds) {
    for (int i = 0; i < 10000; ++i) x = x * 6364136223846793005ULL + 1;
  }
  return seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
}

using Facts = std::map<std::string, std::string>;

// In the child: one "key=value" line per fact.
void put(std::ostringstream& out, const std::string& key, const std::string& value) {
  out << key << '=' << value << '\n';
}

void put_cgroup(std::ostringstream& out, const char* controller, std::initializer_list<const char*> files) {
  Result<CgroupV1> cg = find_cgroup_v1(controller);
  if (!cg.ok()) return;
  put(out, std::string(controller) + ".cgroup", cg->current);
  put(out, std::string(controller) + ".dir", cg->current_dir());
  for (const char* file : files) {
    Result<std::string> v = read_cgroup_file(cg->current_dir(), file);
    put(out, file, v.ok() ? v.value() : "?");
  }
}

// Forks a child that limits itself, runs `body` (which adds facts), and reports through a pipe. With
// `touch_first`, the child touches that many bytes before it limits itself and passes its resident set
// as the memory it already holds (as a tier server does after loading its model), with a budget of that
// plus kMemory (the fork's resident set also counts the pages it shares with this test process).
template <typename Body>
Facts in_limited_child(double share, LimitMethod method, Body body, size_t touch_first = 0) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(fds[0]);
    std::ostringstream out;
    const std::vector<char> loaded(touch_first, 1);  // charged outside the tier cgroup, for good
    const int64_t held = touch_first > 0 ? process_memory_bytes(0, MemoryFigure::kResident).value() : 0;
    put(out, "held", std::to_string(held));
    Result<ResourceLimitReport> r = limit_this_process("test", share, held + kMemory, method, held);
    if (r.ok()) {
      put(out, "report.cpu", r->cpu);
      put(out, "report.memory", r->memory);
      put_cgroup(out, "cpu", {"cpu.cfs_quota_us", "cpu.cfs_period_us"});
      const std::vector<char> touched(kTouched, 1);  // charged to the memory cgroup the child is in now
      put_cgroup(out, "memory", {"memory.limit_in_bytes", "memory.usage_in_bytes"});
      put(out, "touched", std::to_string(int(touched[kTouched / 2])));
      body(out);
    } else {
      put(out, "error", r.status().to_string());
    }
    const std::string text = out.str();
    const ssize_t n = write(fds[1], text.data(), text.size());
    _exit(n == ssize_t(text.size()) ? 0 : 1);
  }
  close(fds[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof(buf))) > 0;) text.append(buf, size_t(n));
  close(fds[0]);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  Facts facts;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const size_t eq = line.find('=');
    if (eq != std::string::npos) facts[line.substr(0, eq)] = line.substr(eq + 1);
  }
  facts["pid"] = std::to_string(child);
  return facts;
}

void burn_and_report(std::ostringstream& out) { put(out, "cpu_over_wall", std::to_string(burn() / kBurnSeconds)); }

// A limited child's CPU use at `share`, the least of up to three children: a machine busy enough to
// delay the duty cycle's watchdog lets one child overrun, a limiter that does not limit overruns in all.
// Returns the facts of the last child (with the report lines).
Facts measure(double share, LimitMethod method) {
  double least = 1e9;
  Facts f;
  for (int attempt = 0; attempt < 3 && least > share + 0.2; ++attempt) {
    f = in_limited_child(share, method, burn_and_report);
    if (f.count("error")) return f;
    REQUIRE(f.count("cpu_over_wall"));
    const double ratio = std::atof(f["cpu_over_wall"].c_str());
    MESSAGE(std::string(limit_method_name(method)), " at ", share, " CPU: cpu_time / wall = ", ratio, " | ",
            f["report.cpu"]);
    least = std::min(least, ratio);
  }
  CHECK(least <= share + 0.2);
  return f;
}

// The child's tier cgroups are gone once it has exited and stale cgroups were removed.
void check_cleaned_up(const Facts& f) {
  remove_stale_tier_cgroups();
  for (const char* key : {"cpu.dir", "memory.dir"}) {
    auto it = f.find(key);
    if (it == f.end() || it->second.find("/edgerun/") == std::string::npos) continue;
    CAPTURE(it->second);
    CHECK(!std::filesystem::exists(it->second));
  }
}

TEST_CASE("tier limit: cgroup v1 caps CPU at the share and memory at the budget") {
  for (double share : {0.25, 0.5}) {
    Facts f = measure(share, LimitMethod::kCgroup);
    if (f.count("error")) {
      WARN_MESSAGE(false, "cgroup limits NOT checked here (cgroup v1 not writable): ", f["error"]);
      Facts fallback = measure(share, LimitMethod::kAuto);
      REQUIRE_MESSAGE(!fallback.count("error"), fallback["error"]);
      CHECK(fallback["report.cpu"].find("duty cycle") != std::string::npos);
      CHECK(fallback["report.cpu"].find("cgroup v1 cpu not usable") != std::string::npos);
      CHECK(fallback["report.memory"].find("not enforced") != std::string::npos);
      continue;
    }
    const std::string name = "/edgerun/test-" + f["pid"];
    CHECK(f["cpu.cgroup"].find(name) != std::string::npos);
    CHECK(f["memory.cgroup"].find(name) != std::string::npos);
    CHECK(f["cpu.cfs_period_us"] == "10000");
    CHECK(f["cpu.cfs_quota_us"] == std::to_string(int(share * 10000)));
    CHECK(f["memory.limit_in_bytes"] == std::to_string(kMemory));
    CHECK(f["report.cpu"].find("cgroup v1") != std::string::npos);
    CHECK(f["report.memory"].find("memory.limit_in_bytes=268435456") != std::string::npos);
    CHECK(std::atoll(f["memory.usage_in_bytes"].c_str()) >= int64_t(kTouched));
    check_cleaned_up(f);
  }
}

TEST_CASE("tier limit: memory the process holds before it limits itself counts against the budget") {
  constexpr size_t kLoaded = size_t(64) << 20;  // a model loaded before the limits
  Facts f = in_limited_child(1.0, LimitMethod::kCgroup, [](std::ostringstream&) {}, kLoaded);
  if (f.count("error")) {
    WARN_MESSAGE(false, "cgroup memory limit NOT checked here (cgroup v1 not writable): ", f["error"]);
  } else {
    CHECK(std::atoll(f["held"].c_str()) >= int64_t(kLoaded));
    CHECK(f["memory.limit_in_bytes"] == std::to_string(kMemory));  // the budget less what it held
    CHECK(f["report.memory"].find("resident before joining") != std::string::npos);
    check_cleaned_up(f);
  }
  // A budget the process already exceeds is refused before anything is applied.
  Result<ResourceLimitReport> over = limit_this_process("test", 0.5, kMemory, LimitMethod::kAuto, kMemory);
  REQUIRE(!over.ok());
  CHECK(over.status().code() == StatusCode::kOutOfRange);
  CHECK(over.status().message().find("cannot hold this process") != std::string::npos);
  Result<CgroupV1> cpu = find_cgroup_v1("cpu");
  if (cpu.ok()) CHECK(!cpu.value().in_tier_cgroup());
}

TEST_CASE("tier limit: the duty cycle caps CPU at the share without cgroups") {
  for (double share : {0.25, 0.5}) {
    Facts f = measure(share, LimitMethod::kDutyCycle);
    REQUIRE_MESSAGE(!f.count("error"), f["error"]);
    CHECK(f["report.cpu"].find("duty cycle") != std::string::npos);
    CHECK(f["cpu.cgroup"].find("/edgerun/") == std::string::npos);  // CPU untouched by cgroups
    check_cleaned_up(f);
  }
}

TEST_CASE("tier limit: leaving restores the start-up cgroups; live tier cgroups are never removed") {
  Facts f = in_limited_child(1.0, LimitMethod::kCgroup, [](std::ostringstream& out) {
    remove_stale_tier_cgroups();  // must leave this live process's cgroups alone
    Result<CgroupV1> cpu = find_cgroup_v1("cpu");
    put(out, "alive_after_remove_stale", cpu.ok() && std::filesystem::exists(cpu->current_dir()) ? "yes" : "no");
    const Status left = leave_tier_cgroups();
    put(out, "leave", left.to_string());
    put(out, "cpu.after", find_cgroup_v1("cpu").ok() ? find_cgroup_v1("cpu")->current : "?");
    put(out, "memory.after", find_cgroup_v1("memory").ok() ? find_cgroup_v1("memory")->current : "?");
  });
  if (f.count("error")) {
    WARN_MESSAGE(false, "leave_tier_cgroups NOT checked here (cgroup v1 not writable): ", f["error"]);
    return;
  }
  CHECK(f["alive_after_remove_stale"] == "yes");
  CHECK(f["leave"] == "OK");
  CHECK(f["cpu.after"].find("/edgerun/") == std::string::npos);
  CHECK(f["memory.after"].find("/edgerun/") == std::string::npos);
  CHECK(!std::filesystem::exists(f["cpu.dir"]));  // removed by leave_tier_cgroups itself
  CHECK(!std::filesystem::exists(f["memory.dir"]));
  remove_stale_tier_cgroups();
}

TEST_CASE("tier limit: none, a duty cycle at >= 1 CPU, and bad arguments apply nothing") {
  Result<ResourceLimitReport> none = limit_this_process("test", 0.5, kMemory, LimitMethod::kNone);
  REQUIRE(none.ok());
  CHECK(none->cpu == "not limited (--limit none)");
  CHECK(none->memory == "not limited (--limit none)");

  Result<ResourceLimitReport> full = limit_this_process("test", 1.0, 0, LimitMethod::kDutyCycle);
  REQUIRE(full.ok());
  CHECK(full->cpu.find("never stopped") != std::string::npos);
  CHECK(full->memory == "not limited (no memory budget)");

  CHECK(!limit_this_process("../etc", 0.5, 0, LimitMethod::kAuto).ok());
  CHECK(!limit_this_process("test", 0, 0, LimitMethod::kAuto).ok());
  CHECK(!limit_this_process("test", 65, 0, LimitMethod::kAuto).ok());
  CHECK(!limit_this_process("test", 0.5, -1, LimitMethod::kAuto).ok());

  for (LimitMethod m : {LimitMethod::kAuto, LimitMethod::kCgroup, LimitMethod::kDutyCycle, LimitMethod::kNone}) {
    CHECK(parse_limit_method(limit_method_name(m)).value() == m);
  }
  CHECK(!parse_limit_method("cpulimit").ok());
}

}  // namespace
}  // namespace edgerun
