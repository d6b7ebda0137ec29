#include "tests/support/fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace edgerun::testing {
namespace {

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

// Closes with a reset rather than a FIN: the peer's next read or write fails at once.
void reset_close(int fd) {
  const linger hard{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
  close(fd);
}

bool write_all(int fd, const char* data, size_t n) {
  while (n > 0) {
    const ssize_t w = send(fd, data, n, MSG_NOSIGNAL);
    if (w <= 0) {
      if (w < 0 && errno == EINTR) continue;
      return false;
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<FaultProxy>> FaultProxy::start(int target_port) {
  std::unique_ptr<FaultProxy> p(new FaultProxy());
  p->target_port_ = target_port;
  if (pipe(p->wake_) != 0) return io_error("fault proxy: pipe failed");
  p->listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in any = loopback(0);
  socklen_t len = sizeof(any);
  if (p->listen_fd_ < 0 || bind(p->listen_fd_, reinterpret_cast<sockaddr*>(&any), sizeof(any)) != 0 ||
      listen(p->listen_fd_, 64) != 0 || getsockname(p->listen_fd_, reinterpret_cast<sockaddr*>(&any), &len) != 0) {
    return io_error(std::string("fault proxy: cannot listen: ") + std::strerror(errno));
  }
  p->port_ = ntohs(any.sin_port);
  p->acceptor_ = std::thread([raw = p.get()] { raw->accept_loop(); });
  return p;
}

FaultProxy::~FaultProxy() {
  if (wake_[1] >= 0) {
    const char byte = 0;
    [[maybe_unused]] const ssize_t n = write(wake_[1], &byte, 1);
  }
  if (acceptor_.joinable()) acceptor_.join();
  for (std::thread& t : pumps_) t.join();  // the acceptor has stopped: no new pumps
  for (int fd : {listen_fd_, wake_[0], wake_[1]}) {
    if (fd >= 0) close(fd);
  }
}

void FaultProxy::set_fault(Fault fault, size_t after_bytes, int connections) {
  std::lock_guard<std::mutex> lock(mutex_);
  fault_ = {fault, after_bytes};
  fault_connections_ = fault == Fault::kNone ? 0 : connections;
}

FaultProxy::ConnectionFault FaultProxy::next_fault() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (fault_connections_ == 0) return {};
  if (fault_connections_ > 0) --fault_connections_;
  return fault_;
}

void FaultProxy::accept_loop() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0 && errno != EINTR) return;
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int client = accept(listen_fd_, nullptr, nullptr);
    if (client < 0) continue;
    ++accepted_;
    const int target = socket(AF_INET, SOCK_STREAM, 0);
    const sockaddr_in to = loopback(target_port_);
    if (target < 0 || connect(target, reinterpret_cast<const sockaddr*>(&to), sizeof(to)) != 0) {
      if (target >= 0) close(target);
      reset_close(client);  // the far end is down: so is the link
      continue;
    }
    const ConnectionFault fault = next_fault();
    std::lock_guard<std::mutex> lock(mutex_);
    pumps_.emplace_back([this, client, target, fault] { pump(client, target, fault); });
  }
}

void FaultProxy::pump(int client, int target, ConnectionFault fault) {
  size_t upstream = 0;
  bool cut = false;
  char buf[16384];
  while (!cut) {
    pollfd fds[3] = {{client, POLLIN, 0}, {target, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (poll(fds, 3, -1) < 0 && errno != EINTR) break;
    if (fds[2].revents != 0) break;
    if (fds[0].revents != 0) {  // client -> target, counted and maybe cut
      size_t want = sizeof(buf);
      if (fault.fault != Fault::kNone) want = std::min(want, fault.after_bytes - upstream);
      const ssize_t n = want > 0 ? recv(client, buf, want, 0) : 0;
      if (want > 0 && n <= 0) break;
      if (n > 0 && !write_all(target, buf, static_cast<size_t>(n))) break;
      upstream += static_cast<size_t>(std::max<ssize_t>(n, 0));
      cut = fault.fault != Fault::kNone && upstream >= fault.after_bytes;
    }
    if (!cut && fds[1].revents != 0) {  // target -> client, as is
      const ssize_t n = recv(target, buf, sizeof(buf), 0);
      if (n <= 0 || !write_all(client, buf, static_cast<size_t>(n))) break;
    }
  }
  if (cut) {
    ++faulted_;
    if (fault.fault == Fault::kStall) {  // silent until the proxy goes
      pollfd wake{wake_[0], POLLIN, 0};
      while (poll(&wake, 1, -1) < 0 && errno == EINTR) {
      }
    }
    reset_close(client);
    reset_close(target);
    return;
  }
  close(client);
  close(target);
}

}  // namespace edgerun::testing
