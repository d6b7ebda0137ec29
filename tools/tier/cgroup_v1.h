// cgroup v1 controllers as a tier process uses them: this process's own cgroup under a controller's
// mount, and the per-tier cgroups made below it in "<own cgroup>/edgerun/<tier>-<pid>".
// The tier cgroups nest under the cgroup the process started in (not the hierarchy root), so limits set
// by whatever runs us (a container, a CI runner) keep applying and its accounting keeps seeing us.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "graph/status.h"

namespace edgerun {

struct CgroupV1 {
  std::string controller;  // "cpu", "memory"
  std::string mount;       // where the controller's hierarchy is mounted: /sys/fs/cgroup/cpu
  std::string home;        // this process's cgroup (relative to mount) outside any edgerun/ cgroup: "/"
  std::string current;     // this process's cgroup now (relative to mount)

  std::string home_dir() const { return mount + (home == "/" ? "" : home); }
  std::string tier_base_dir() const { return home_dir() + "/edgerun"; }
  std::string current_dir() const { return mount + (current == "/" ? "" : current); }
  bool in_tier_cgroup() const { return current != home; }
};

// The v1 hierarchy holding `controller`, from /proc/self/mountinfo and /proc/self/cgroup.
Result<CgroupV1> find_cgroup_v1(const std::string& controller);

// One control file of the cgroup directory `dir`.
Status write_cgroup_file(const std::string& dir, const std::string& file, const std::string& value);
Result<std::string> read_cgroup_file(const std::string& dir, const std::string& file);

// Makes tier_base_dir()/<name>, lets `configure` write its control files, then moves this process (all
// its threads) in. Retries when a concurrent remove_stale_cgroups() removed the fresh, empty directory.
// Returns the directory.
Result<std::string> enter_tier_cgroup(const CgroupV1& cg, const std::string& name,
                                      const std::function<Status(const std::string& dir)>& configure);

// Moves this process back to its home cgroup and removes the tier cgroup it was in.
Status leave_tier_cgroup(const CgroupV1& cg);

// Removes every cgroup under tier_base_dir() that holds no task, then the base itself if it is empty.
// Returns the directories removed.
std::vector<std::string> remove_stale_cgroups(const CgroupV1& cg);

}  // namespace edgerun
