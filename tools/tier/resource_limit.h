// The limits a tier process applies to itself at start-up (all its threads move: cgroup.procs; the
// duty-cycle watchdog is fork-safe; edgerun-serve applies them once its model is loaded and has run once):
//   CPU     cgroup v1 cpu controller: cpu.cfs_period_us = 10 ms (short periods keep the throttling
//           smooth at the scale of one operator), cpu.cfs_quota_us = share * period (at least 1 ms);
//           else the duty-cycle limiter (duty_cycle.h).
//   memory  cgroup v1 memory controller: memory.limit_in_bytes. Where it is not writable the budget is
//           reported as not enforced. RLIMIT_AS is deliberately not a fallback: it caps address space,
//           not memory, and breaks processes that reserve large mappings they never touch (sanitizer
//           shadow memory, thread stacks, arenas).
// The cgroups are "<the process's own cgroup>/edgerun/<tier>-<pid>" under each controller (cgroup_v1.h).
// The thread count (TierProfile::threads) and the ISA cap are the engine's options, not set here.
#pragma once

#include <cstdint>
#include <string>

#include "graph/status.h"

namespace edgerun {

enum class LimitMethod {
  kAuto,       // cgroups where writable; else the duty cycle for CPU and a "not enforced" memory budget
  kCgroup,     // cgroups or an error
  kDutyCycle,  // the duty cycle for CPU (even where cgroups work); memory as in kAuto
  kNone,       // nothing
};

// "auto", "cgroup", "duty", "none" (the --limit option).
Result<LimitMethod> parse_limit_method(const std::string& name);
const char* limit_method_name(LimitMethod method);

struct ResourceLimitReport {
  std::string cpu;     // one line: what was applied, or why nothing was
  std::string memory;  // one line: what was applied, or why nothing was
};

// Limits this process to `cpu_share` CPUs and `memory_bytes` (0: no memory budget) in all.
// `memory_held_bytes` is what the process already holds (its resident set, when it limits itself after
// loading a model): cgroup v1 charges a page to the cgroup it was first touched in and no longer moves
// charges (memory.move_charge_at_immigrate is refused), so the cgroup gets memory_bytes minus that. A
// budget not above it is an out_of_range error. Errors: a bad argument; with kCgroup, any cgroup
// failure; a second duty cycle in one process.
Result<ResourceLimitReport> limit_this_process(const std::string& tier_name, double cpu_share, int64_t memory_bytes,
                                               LimitMethod method, int64_t memory_held_bytes = 0);

// Takes the calling thread out of this process's CPU cgroup (back to the cgroup the process started
// in); memory stays limited for the whole process. A tier server keeps its compute threads in the tier
// cgroup and moves its network threads out, as a device's NIC does not wait for its CPU quota: a
// throttled sender would otherwise stretch a link's transfers by up to one period. Threads this thread
// creates afterwards start outside too. Nothing to do without a cgroup CPU limit (the duty cycle stops
// the whole process).
Status exempt_this_thread_from_cpu_limit();

// Removes the edgerun/* cgroups (cpu and memory) that hold no task: left by tier processes that exited
// without leave_tier_cgroups(). Called at start-up by tier processes and by a spawner after a child exits.
void remove_stale_tier_cgroups();

// Graceful shutdown: moves this process back to the cgroups it started in and removes its tier cgroups.
Status leave_tier_cgroups();

}  // namespace edgerun
