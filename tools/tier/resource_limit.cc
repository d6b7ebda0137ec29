#include "tools/tier/resource_limit.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tools/tier/cgroup_v1.h"
#include "tools/tier/duty_cycle.h"
#include "tools/tier/process_memory.h"
#include "tools/tier/tier_profile.h"

namespace edgerun {
namespace {

constexpr int64_t kPeriodUs = 10000;   // 10 ms
constexpr int64_t kMinQuotaUs = 1000;  // the kernel's minimum quota
const char* const kControllers[] = {"cpu", "memory"};

pid_t g_watchdog = 0;  // the duty-cycle watchdog of this process, if one was started

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

Result<std::string> limit_cpu_cgroup(const std::string& cgroup_name, double share) {
  ASSIGN_OR_RETURN(CgroupV1 cg, find_cgroup_v1("cpu"));
  const int64_t quota = std::max(kMinQuotaUs, int64_t(std::llround(share * double(kPeriodUs))));
  ASSIGN_OR_RETURN(std::string dir, enter_tier_cgroup(cg, cgroup_name, [&](const std::string& d) {
                     RETURN_IF_ERROR(write_cgroup_file(d, "cpu.cfs_period_us", std::to_string(kPeriodUs)));
                     return write_cgroup_file(d, "cpu.cfs_quota_us", std::to_string(quota));
                   }));
  std::string line = "cgroup v1 " + dir + ": cpu.cfs_quota_us=" + std::to_string(quota) +
                     " cpu.cfs_period_us=" + std::to_string(kPeriodUs) + " (" +
                     fixed(double(quota) / double(kPeriodUs), 2) + " CPU)";
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  if (online > 0 && share >= double(online)) {
    line += "; not below the " + std::to_string(online) + " online CPUs, so never throttled";
  }
  return line;
}

Result<std::string> limit_cpu_duty_cycle(double share) {
  if (share >= 1) {
    return "duty cycle: cpu_share " + fixed(share, 2) + " >= 1 CPU, so never stopped (the thread count bounds it)";
  }
  if (g_watchdog != 0) return invalid_argument("a duty-cycle limiter already runs in this process");
  ASSIGN_OR_RETURN(g_watchdog, start_duty_cycle(share, kPeriodUs));
  return "duty cycle (user space; watchdog pid " + std::to_string(g_watchdog) + " sends SIGSTOP/SIGCONT): runs " +
         fixed(share * double(kPeriodUs) / 1000.0, 2) + " ms of every " + fixed(double(kPeriodUs) / 1000.0, 0) +
         " ms (" + fixed(share, 2) + " CPU)";
}

Result<std::string> limit_memory_cgroup(const std::string& cgroup_name, int64_t budget, int64_t held) {
  ASSIGN_OR_RETURN(CgroupV1 cg, find_cgroup_v1("memory"));
  ASSIGN_OR_RETURN(std::string dir, enter_tier_cgroup(cg, cgroup_name, [&](const std::string& d) {
                     return write_cgroup_file(d, "memory.limit_in_bytes", std::to_string(budget - held));
                   }));
  ASSIGN_OR_RETURN(std::string applied, read_cgroup_file(dir, "memory.limit_in_bytes"));
  std::string line =
      "cgroup v1 " + dir + ": memory.limit_in_bytes=" + applied + " (budget " + format_mib(budget);
  if (held > 0) {
    line += " less the " + format_mib(held) + " resident before joining, which stays charged outside";
  }
  return line + ")";
}

}  // namespace

Result<LimitMethod> parse_limit_method(const std::string& name) {
  for (LimitMethod m : {LimitMethod::kAuto, LimitMethod::kCgroup, LimitMethod::kDutyCycle, LimitMethod::kNone}) {
    if (name == limit_method_name(m)) return m;
  }
  return invalid_argument("unknown limit method '" + name + "' (known: auto, cgroup, duty, none)");
}

const char* limit_method_name(LimitMethod method) {
  switch (method) {
    case LimitMethod::kAuto: return "auto";
    case LimitMethod::kCgroup: return "cgroup";
    case LimitMethod::kDutyCycle: return "duty";
    case LimitMethod::kNone: return "none";
  }
  return "?";
}

Result<ResourceLimitReport> limit_this_process(const std::string& tier_name, double cpu_share, int64_t memory_bytes,
                                               LimitMethod method, int64_t memory_held_bytes) {
  if (!valid_tier_name(tier_name)) return invalid_argument("limits: invalid tier name '" + tier_name + "'");
  if (!(cpu_share > 0 && cpu_share <= kMaxTierCpuShare)) {
    return invalid_argument("limits: cpu_share must be in (0, 64], got " + fixed(cpu_share, 3));
  }
  if (memory_bytes < 0 || memory_held_bytes < 0) return invalid_argument("limits: memory sizes must be >= 0");
  if (memory_bytes > 0 && method != LimitMethod::kNone && memory_held_bytes >= memory_bytes) {
    return out_of_range("limits: the memory budget of " + format_mib(memory_bytes) +
                        " cannot hold this process: it already holds " + format_mib(memory_held_bytes));
  }
  ResourceLimitReport report;
  if (method == LimitMethod::kNone) {
    report.cpu = report.memory = "not limited (--limit none)";
    return report;
  }
  const std::string cgroup_name = tier_name + "-" + std::to_string(getpid());

  // CPU first: a duty-cycle watchdog forked now stays outside the tier's memory cgroup.
  if (method == LimitMethod::kDutyCycle) {
    ASSIGN_OR_RETURN(report.cpu, limit_cpu_duty_cycle(cpu_share));
  } else {
    auto cgroup = limit_cpu_cgroup(cgroup_name, cpu_share);
    if (cgroup.ok()) {
      report.cpu = cgroup.value();
    } else if (method == LimitMethod::kCgroup) {
      return cgroup.status().with_context("limits: cpu cgroup");
    } else {
      ASSIGN_OR_RETURN(std::string duty, limit_cpu_duty_cycle(cpu_share));
      report.cpu = duty + "; cgroup v1 cpu not usable: " + cgroup.status().message();
    }
  }

  if (memory_bytes == 0) {
    report.memory = "not limited (no memory budget)";
    return report;
  }
  auto memory = limit_memory_cgroup(cgroup_name, memory_bytes, memory_held_bytes);
  if (memory.ok()) {
    report.memory = memory.value();
  } else if (method == LimitMethod::kCgroup) {
    return memory.status().with_context("limits: memory cgroup");
  } else {
    report.memory = "not enforced: cgroup v1 memory not usable: " + memory.status().message() +
                    " (RLIMIT_AS is no substitute: it caps address space, not memory)";
  }
  return report;
}

Status exempt_this_thread_from_cpu_limit() {
  auto cg = find_cgroup_v1("cpu");
  if (!cg.ok() || !cg.value().in_tier_cgroup()) return Status::Ok();
  // "tasks" (not cgroup.procs) moves one thread.
  return write_cgroup_file(cg.value().home_dir(), "tasks", std::to_string(syscall(SYS_gettid)));
}

void remove_stale_tier_cgroups() {
  for (const char* controller : kControllers) {
    auto cg = find_cgroup_v1(controller);
    if (cg.ok()) remove_stale_cgroups(cg.value());
  }
}

Status leave_tier_cgroups() {
  Status first;
  for (const char* controller : kControllers) {
    auto cg = find_cgroup_v1(controller);
    if (!cg.ok()) continue;  // no such hierarchy: nothing was entered
    const Status st = leave_tier_cgroup(cg.value());
    if (first.ok()) first = st;
  }
  return first;
}

}  // namespace edgerun
