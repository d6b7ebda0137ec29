// A TCP proxy on 127.0.0.1 standing for a link that fails, for fault tests. It forwards every connection
// to a target port and, for connections that get a fault, cuts the client-to-target stream after a
// number of bytes: kReset closes both sides with a TCP reset (the link dropped mid-transfer), kStall stops
// forwarding and holds both sockets open (the link went silent) until the proxy is destroyed.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "graph/status.h"

namespace edgerun::testing {

class FaultProxy {
 public:
  enum class Fault { kNone, kReset, kStall };

  static Result<std::unique_ptr<FaultProxy>> start(int target_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  // The fault of the next `connections` connections accepted (-1: all from now on): cut each after
  // `after_bytes` sent towards the target. kNone heals the link.
  void set_fault(Fault fault, size_t after_bytes, int connections = -1);
  // Connections accepted so far, and those a fault cut.
  size_t accepted() const { return accepted_; }
  size_t faulted() const { return faulted_; }

 private:
  struct ConnectionFault {
    Fault fault = Fault::kNone;
    size_t after_bytes = 0;
  };
  FaultProxy() = default;
  void accept_loop();
  void pump(int client, int target, ConnectionFault fault);
  ConnectionFault next_fault();

  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};  // written at destruction: every loop polls it
  int port_ = 0;
  int target_port_ = 0;
  std::mutex mutex_;
  ConnectionFault fault_;
  int fault_connections_ = 0;
  std::atomic<size_t> accepted_{0}, faulted_{0};
  std::thread acceptor_;
  std::vector<std::thread> pumps_;  // guarded by mutex_
};

}  // namespace edgerun::testing
