// TierProcess: one tier of a placement as a real process. Starts `edgerun-serve` (found next to the
// running tool) with the given arguments, waits until it listens (its --port-file appears and its
// health endpoint answers) and stops it when destroyed: SIGTERM, then SIGKILL if it does not exit.
// The server limits itself (CPU share, memory) from its tier profile before it starts threads.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "graph/status.h"

namespace edgerun {

struct TierProcessOptions {
  std::string tier;                      // label, for messages
  std::vector<std::string> server_args;  // edgerun-serve's arguments (without --port-file)
  std::string server_path;               // "" = edgerun-serve beside the running executable
  double start_timeout_s = 600;          // loading and compiling a full-size model at 0.5 CPU is slow
};

class TierProcess {
 public:
  static Result<std::unique_ptr<TierProcess>> start(const TierProcessOptions& options);
  ~TierProcess();
  TierProcess(const TierProcess&) = delete;
  TierProcess& operator=(const TierProcess&) = delete;

  int port() const { return port_; }
  const std::string& tier() const { return tier_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The server's start-up lines (what it limited and how): its log so far.
  std::string log() const;
  // The server's peak resident set so far (VmHWM of /proc/PID/status), in MiB; an error naming the
  // entry when it cannot be read (the server is gone).
  Result<double> peak_memory_mb() const;
  // Its resident set now (VmRSS), in MiB; the same errors.
  Result<double> resident_memory_mb() const;
  // Kills the server now (SIGKILL), as a crash would: for fault tests.
  void kill_now();

 private:
  TierProcess() = default;
  void stop();
  // A "Vm...:" line of /proc/PID/status, in MiB.
  Result<double> status_memory_mb(const std::string& field) const;
  std::string tier_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;  // temporary folder with the port file and the server's log
};

// The directory of the running executable (where edgerun-serve is built beside bench_engine).
std::string executable_dir();

}  // namespace edgerun
