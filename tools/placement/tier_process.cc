#include "tools/placement/tier_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "tools/common/text_file.h"
#include "tools/tier/resource_limit.h"

namespace edgerun {

namespace {

// The last lines of a log, for an error message.
std::string tail_lines(const std::string& text, int lines) {
  size_t pos = text.size();
  while (lines-- > 0 && pos > 0) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) return text;
  }
  return text.substr(pos + 1);
}

}  // namespace

std::string executable_dir() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return ".";
  std::string path(buf, static_cast<size_t>(n));
  return path.substr(0, path.rfind('/'));
}

Result<std::unique_ptr<TierProcess>> TierProcess::start(const TierProcessOptions& options) {
  std::unique_ptr<TierProcess> p(new TierProcess());
  p->tier_ = options.tier;
  char dir_template[] = "/tmp/edgerun-tier-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) return io_error("cannot make a temporary folder for tier " + options.tier);
  p->dir_ = dir_template;
  const std::string port_file = p->dir_ + "/port";
  const std::string log_file = p->dir_ + "/log";
  const std::string server = options.server_path.empty() ? executable_dir() + "/edgerun-serve" : options.server_path;
  if (access(server.c_str(), X_OK) != 0)
    return not_found("tier server not found: " + server + " (build edgerun-serve)");

  std::vector<std::string> args{server};
  args.insert(args.end(), options.server_args.begin(), options.server_args.end());
  args.push_back("--port-file");
  args.push_back(port_file);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  const pid_t pid = fork();
  if (pid < 0) return io_error("cannot start tier " + options.tier + ": fork failed");
  if (pid == 0) {
    const int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    // Idle OpenMP threads must sleep, not spin: a spinning thread burns the tier's CPU quota.
    setenv("OMP_WAIT_POLICY", "passive", 1);
    execv(server.c_str(), argv.data());
    _exit(127);
  }
  p->pid_ = pid;

  const auto t0 = std::chrono::steady_clock::now();
  while (true) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      p->pid_ = -1;
      return internal_error("tier " + options.tier + " server exited during start-up:\n" +
                            tail_lines(read_text_file(log_file), 8));
    }
    const std::string port = read_text_file(port_file);
    if (!port.empty() && port.back() == '\n') {
      p->port_ = std::atoi(port.c_str());
      break;
    }
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (waited > options.start_timeout_s) {
      return internal_error("tier " + options.tier + " server did not start within " +
                            std::to_string(static_cast<int>(options.start_timeout_s)) + " s:\n" +
                            tail_lines(read_text_file(log_file), 8));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return p;
}

std::string TierProcess::log() const { return read_text_file(dir_ + "/log"); }

Result<double> TierProcess::peak_memory_mb() const { return status_memory_mb("VmHWM"); }
Result<double> TierProcess::resident_memory_mb() const { return status_memory_mb("VmRSS"); }

Result<double> TierProcess::status_memory_mb(const std::string& field) const {
  if (pid_ <= 0) return not_found("tier " + tier_ + " server is not running: no " + field + " to read");
  const std::string path = "/proc/" + std::to_string(pid_) + "/status";
  std::ifstream in(path);
  if (!in) return not_found("tier " + tier_ + " server: cannot read " + path);
  const std::string key = field + ":";
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size(), key) != 0) continue;
    char* end = nullptr;
    const double kib = std::strtod(line.c_str() + key.size(), &end);  // "VmHWM:   123456 kB"
    if (end == line.c_str() + key.size() || kib <= 0)
      return internal_error("tier " + tier_ + " server: bad line in " + path + ": " + line);
    return kib / 1024;
  }
  return not_found("tier " + tier_ + " server: no " + field + " line in " + path);
}

void TierProcess::kill_now() {
  if (pid_ > 0) ::kill(pid_, SIGKILL);
}

void TierProcess::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 200; ++i) {  // up to 2 s for a graceful exit
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  remove_stale_tier_cgroups();
}

TierProcess::~TierProcess() {
  stop();
  if (!dir_.empty()) {
    std::remove((dir_ + "/port").c_str());
    std::remove((dir_ + "/log").c_str());
    rmdir(dir_.c_str());
  }
}

}  // namespace edgerun
