#include "tools/tier/cgroup_v1.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace edgerun {
namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, sep)) parts.push_back(part);
  return parts;
}

bool has_token(const std::string& list, const std::string& token) {
  for (const std::string& t : split(list, ',')) {
    if (t == token) return true;
  }
  return false;
}

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

bool dir_exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Status make_dir(const std::string& path) {
  if (mkdir(path.c_str(), 0755) == 0 || errno == EEXIST) return Status::Ok();
  return io_error(errno_text("cannot create cgroup " + path));
}

Result<std::string> make_tier_cgroup_dir(const CgroupV1& cg, const std::string& name) {
  RETURN_IF_ERROR(make_dir(cg.tier_base_dir()));
  const std::string dir = cg.tier_base_dir() + "/" + name;
  RETURN_IF_ERROR(make_dir(dir));
  return dir;
}

Status move_self_to(const std::string& dir) {
  // cgroup.procs (not tasks) moves every thread of the process.
  return write_cgroup_file(dir, "cgroup.procs", std::to_string(getpid()));
}

}  // namespace

Result<CgroupV1> find_cgroup_v1(const std::string& controller) {
  CgroupV1 cg;
  cg.controller = controller;
  std::string mount_root;
  std::ifstream mountinfo("/proc/self/mountinfo");
  // "36 25 0:31 / /sys/fs/cgroup/memory rw,relatime shared:15 - cgroup cgroup rw,memory"
  for (std::string line; std::getline(mountinfo, line);) {
    const size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    const std::vector<std::string> left = split(line.substr(0, dash), ' ');
    const std::vector<std::string> right = split(line.substr(dash + 3), ' ');
    if (left.size() < 5 || right.size() < 3 || right[0] != "cgroup" || !has_token(right[2], controller)) continue;
    mount_root = left[3];
    cg.mount = left[4];
    break;
  }
  if (cg.mount.empty()) return not_found("no cgroup v1 hierarchy with the " + controller + " controller is mounted");

  std::ifstream self("/proc/self/cgroup");
  // "4:memory:/process_api/abc"
  for (std::string line; std::getline(self, line);) {
    const size_t a = line.find(':');
    const size_t b = a == std::string::npos ? a : line.find(':', a + 1);
    if (b == std::string::npos || !has_token(line.substr(a + 1, b - a - 1), controller)) continue;
    cg.current = line.substr(b + 1);
  }
  if (cg.current.empty()) return not_found("/proc/self/cgroup names no " + controller + " cgroup");
  // Without a cgroup namespace a bind-mounted sub-hierarchy shows the full path; make it mount-relative.
  if (mount_root != "/" && cg.current.compare(0, mount_root.size(), mount_root) == 0) {
    cg.current = cg.current.substr(mount_root.size());
    if (cg.current.empty()) cg.current = "/";
  }
  const size_t edgerun = cg.current.find("/edgerun/");
  cg.home = edgerun == std::string::npos ? cg.current : cg.current.substr(0, edgerun);
  if (cg.home.empty()) cg.home = "/";
  if (!dir_exists(cg.current_dir())) {
    return not_found("this process's " + controller + " cgroup " + cg.current_dir() + " is not visible");
  }
  return cg;
}

Status write_cgroup_file(const std::string& dir, const std::string& file, const std::string& value) {
  const std::string path = dir + "/" + file;
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return io_error(errno_text("cannot open " + path + " for writing"));
  // A control file takes the value in one write(2) and rejects a bad one there (EINVAL, EBUSY, ...).
  const ssize_t n = write(fd, value.data(), value.size());
  const Status st =
      n == ssize_t(value.size()) ? Status::Ok() : io_error(errno_text("cannot write '" + value + "' to " + path));
  close(fd);
  return st;
}

Result<std::string> read_cgroup_file(const std::string& dir, const std::string& file) {
  const std::string path = dir + "/" + file;
  std::ifstream in(path);
  if (!in) return io_error(errno_text("cannot read " + path));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

Result<std::string> enter_tier_cgroup(const CgroupV1& cg, const std::string& name,
                                      const std::function<Status(const std::string& dir)>& configure) {
  Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    ASSIGN_OR_RETURN(std::string dir, make_tier_cgroup_dir(cg, name));
    last = configure(dir);
    if (last.ok()) last = move_self_to(dir);
    if (last.ok()) return dir;
    if (dir_exists(dir)) break;  // a real failure, not a concurrent remove_stale_cgroups()
  }
  return last;
}

Status leave_tier_cgroup(const CgroupV1& cg) {
  if (!cg.in_tier_cgroup()) return Status::Ok();
  RETURN_IF_ERROR(move_self_to(cg.home_dir()));
  if (rmdir(cg.current_dir().c_str()) != 0 && errno != EBUSY && errno != ENOENT) {
    return io_error(errno_text("cannot remove cgroup " + cg.current_dir()));
  }
  // EBUSY above: a child of ours is still in it; remove_stale_cgroups() takes it later. The base goes
  // when it is empty, so nothing is left in a cgroup that whoever started us may want to remove.
  rmdir(cg.tier_base_dir().c_str());
  return Status::Ok();
}

std::vector<std::string> remove_stale_cgroups(const CgroupV1& cg) {
  std::vector<std::string> removed;
  const std::string base = cg.tier_base_dir();
  DIR* dir = opendir(base.c_str());
  if (dir == nullptr) return removed;
  std::vector<std::string> children;
  while (const dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name != "." && name != ".." && dir_exists(base + "/" + name)) children.push_back(base + "/" + name);
  }
  closedir(dir);
  // rmdir refuses (EBUSY) a cgroup that still holds tasks, so this never removes a live tier's cgroup.
  for (const std::string& child : children) {
    if (rmdir(child.c_str()) == 0) removed.push_back(child);
  }
  if (rmdir(base.c_str()) == 0) removed.push_back(base);
  return removed;
}

}  // namespace edgerun
