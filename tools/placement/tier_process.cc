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
#include "tools/tier/process_memory.h"
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

// `args` with "--port PORT" in place of any --port they had: a restarted server keeps its address.
std::vector<std::string> with_port(const std::vector<std::string>& args, int port) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--port") {
      ++i;  // and its value
    } else if (args[i].rfind("--port=", 0) != 0) {
      out.push_back(args[i]);
    }
  }
  out.insert(out.end(), {"--port", std::to_string(port)});
  return out;
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
  p->server_ = options.server_path.empty() ? executable_dir() + "/edgerun-serve" : options.server_path;
  p->server_args_ = options.server_args;
  p->start_timeout_s_ = options.start_timeout_s;
  if (access(p->server_.c_str(), X_OK) != 0)
    return not_found("tier server not found: " + p->server_ + " (build edgerun-serve)");
  char dir_template[] = "/tmp/edgerun-tier-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) return io_error("cannot make a temporary folder for tier " + options.tier);
  p->dir_ = dir_template;
  ASSIGN_OR_RETURN(p->port_, p->spawn(p->server_args_));
  return p;
}

Status TierProcess::restart() {
  kill_and_reap();
  const std::string context = "restarting tier " + tier_ + " on port " + std::to_string(port_);
  std::ofstream(dir_ + "/log", std::ios::app) << "(" << context << ")\n";  // the log goes on
  auto port = spawn(with_port(server_args_, port_));
  if (!port.ok()) return port.status().with_context(context);
  // port_ stays as it is (clients read it meanwhile): the server took the port it was given.
  if (port.value() != port_) return internal_error(context + ": the server listens on " + std::to_string(port.value()));
  return Status::Ok();
}

Result<int> TierProcess::spawn(const std::vector<std::string>& server_args) {
  const std::string port_file = dir_ + "/port";
  const std::string log_file = dir_ + "/log";
  std::remove(port_file.c_str());  // a restart waits for the new server's port file, not the old one's
  std::vector<std::string> args{server_};
  args.insert(args.end(), server_args.begin(), server_args.end());
  args.push_back("--port-file");
  args.push_back(port_file);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  const pid_t pid = fork();
  if (pid < 0) return io_error("cannot start tier " + tier_ + ": fork failed");
  if (pid == 0) {
    // Appended: a restarted server's lines follow the killed one's.
    const int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    // Idle OpenMP threads must sleep, not spin: a spinning thread burns the tier's CPU quota.
    setenv("OMP_WAIT_POLICY", "passive", 1);
    execv(server_.c_str(), argv.data());
    _exit(127);
  }
  pid_ = pid;

  const auto t0 = std::chrono::steady_clock::now();
  while (true) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      pid_ = -1;
      return internal_error("tier " + tier_ + " server exited during start-up:\n" +
                            tail_lines(read_text_file(log_file), 8));
    }
    const std::string port = read_text_file(port_file);
    if (!port.empty() && port.back() == '\n') {
      return std::atoi(port.c_str());
    }
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (waited > start_timeout_s_) {
      return internal_error("tier " + tier_ + " server did not start within " +
                            std::to_string(static_cast<int>(start_timeout_s_)) + " s:\n" +
                            tail_lines(read_text_file(log_file), 8));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string TierProcess::log() const { return read_text_file(dir_ + "/log"); }

Result<double> TierProcess::peak_memory_mb() const { return memory_mb(MemoryFigure::kPeakResident); }
Result<double> TierProcess::resident_memory_mb() const { return memory_mb(MemoryFigure::kResident); }

Result<double> TierProcess::memory_mb(MemoryFigure figure) const {
  if (pid_ <= 0) return not_found("tier " + tier_ + " server is not running: no memory figure to read");
  auto bytes = process_memory_bytes(pid_, figure);
  if (!bytes.ok()) return bytes.status().with_context("tier " + tier_ + " server");
  return static_cast<double>(bytes.value()) / (1 << 20);
}

void TierProcess::kill_now() {
  if (pid_ > 0) ::kill(pid_, SIGKILL);
}

void TierProcess::kill_and_reap() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  remove_stale_tier_cgroups();
}

Result<int> TierProcess::stop(double grace_s) {
  if (pid_ <= 0) return not_found("tier " + tier_ + " server is not running: nothing to stop");
  ::kill(pid_, SIGTERM);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(grace_s);
  bool exited = waitpid(pid_, &status, WNOHANG) == pid_;
  while (!exited && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    exited = waitpid(pid_, &status, WNOHANG) == pid_;
  }
  const std::string who = "tier " + tier_ + " server";
  if (!exited) {
    kill_and_reap();
    char grace[32];
    std::snprintf(grace, sizeof(grace), "%g", grace_s);
    return internal_error(who + " did not exit within " + grace + " s of SIGTERM: killed");
  }
  pid_ = -1;
  remove_stale_tier_cgroups();
  if (WIFSIGNALED(status)) return internal_error(who + " died of signal " + std::to_string(WTERMSIG(status)));
  return WEXITSTATUS(status);
}

TierProcess::~TierProcess() {
  if (pid_ > 0) (void)stop();
  if (!dir_.empty()) {
    std::remove((dir_ + "/port").c_str());
    std::remove((dir_ + "/log").c_str());
    rmdir(dir_.c_str());
  }
}

}  // namespace edgerun
