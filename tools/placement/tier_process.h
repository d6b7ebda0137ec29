// TierProcess: one tier of a placement as a real process. Starts `edgerun-serve` (found next to the
// running tool) with the given arguments, waits until it listens (its --port-file appears and its
// health endpoint answers) and stops it when destroyed: SIGTERM, then SIGKILL if it does not exit.
// The server limits itself (CPU share, memory) from its tier profile once its model is loaded, refusing a
// memory budget that cannot hold it.
// Fault tests kill it (kill_now) and start it again on the same port (restart); stop() reports how it
// exited, so a test can require a clean exit (under ASan, LeakSanitizer's report makes it nonzero).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "graph/status.h"
#include "tools/tier/process_memory.h"

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
  // Kills the server if it still runs and starts the same command again on the same port (clients keep
  // its address), waiting for it to listen as start() does. An error with the server's last log lines
  // when it cannot start (its port taken meanwhile, say).
  Status restart();
  // Stops the server: SIGTERM, up to `grace_s` for it to exit (an ASan build's exit and LeakSanitizer's
  // scan take seconds), then SIGKILL. Returns its exit code (0: a clean exit); an error when it had to
  // be killed, died of a signal (kill_now) or was not running.
  Result<int> stop(double grace_s = 30);

 private:
  TierProcess() = default;
  // Starts the server with `server_args` (plus --port-file), waits for its port file; returns the port.
  Result<int> spawn(const std::vector<std::string>& server_args);
  // SIGKILL and reap, if it runs.
  void kill_and_reap();
  Result<double> memory_mb(MemoryFigure figure) const;
  std::string tier_;
  std::string server_;                    // the executable
  std::vector<std::string> server_args_;  // as given to start()
  double start_timeout_s_ = 0;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;  // temporary folder with the port file and the server's log
};

// The directory of the running executable (where edgerun-serve is built beside bench_engine).
std::string executable_dir();

}  // namespace edgerun
