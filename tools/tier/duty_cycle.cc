#include "tools/tier/duty_cycle.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <string>

namespace edgerun {
namespace {

constexpr int64_t kNsPerSec = 1000000000;

volatile pid_t g_limited = 0;  // the process the watchdog pauses (set in the watchdog only)

void continue_and_exit(int) {
  kill(g_limited, SIGCONT);
  _exit(0);
}

int64_t to_ns(const timespec& t) { return int64_t(t.tv_sec) * kNsPerSec + t.tv_nsec; }

timespec from_ns(int64_t ns) {
  timespec t;
  t.tv_sec = time_t(ns / kNsPerSec);
  t.tv_nsec = long(ns % kNsPerSec);
  return t;
}

int64_t now_ns() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return to_ns(t);
}

void sleep_until(int64_t deadline_ns) {
  const timespec t = from_ns(deadline_ns);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, nullptr) == EINTR) {
  }
}

// The watchdog must not keep the tier's sockets and pipes open (a peer would not see them close).
void close_inherited_fds() {
  if (close_range(0, ~0U, 0) == 0) return;
  rlimit files;
  const rlim_t max = getrlimit(RLIMIT_NOFILE, &files) == 0 ? std::min<rlim_t>(files.rlim_cur, 1 << 16) : 1024;
  for (rlim_t fd = 0; fd < max; ++fd) close(int(fd));
}

// The watchdog's whole life; async-signal-safe calls only (it is a fork of a possibly threaded process).
[[noreturn]] void run_watchdog(pid_t limited, int64_t run_ns, int64_t period_ns) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != limited) _exit(0);  // the parent died before prctl took effect
  close_inherited_fds();
  g_limited = limited;
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_handler = continue_and_exit;
  sigemptyset(&action.sa_mask);
  sigset_t unblock;
  sigemptyset(&unblock);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT}) {
    sigaction(sig, &action, nullptr);
    sigaddset(&unblock, sig);
  }
  sigprocmask(SIG_UNBLOCK, &unblock, nullptr);
  // The pauses' length is the limit: a late SIGCONT costs the tier time, a late SIGSTOP gives it extra.
  // Best effort: a higher priority keeps the watchdog on time on a busy machine (needs root).
  setpriority(PRIO_PROCESS, 0, -10);

  int64_t start = now_ns();
  for (;;) {
    sleep_until(start + run_ns);
    if (getppid() != limited) _exit(0);
    kill(limited, SIGSTOP);
    sleep_until(start + period_ns);
    kill(limited, SIGCONT);
    if (getppid() != limited) _exit(0);
    start += period_ns;
    // Fallen a whole period behind (the watchdog was not scheduled): restart from now, do not catch up.
    const int64_t now = now_ns();
    if (now - start > period_ns) start = now;
  }
}

}  // namespace

Result<pid_t> start_duty_cycle(double share, int64_t period_us) {
  if (!(share > 0 && share < 1)) {
    return invalid_argument("duty cycle: share must be in (0, 1), got " + std::to_string(share));
  }
  if (period_us < 1000) return invalid_argument("duty cycle: period must be >= 1000 us");
  const int64_t period_ns = period_us * 1000;
  const int64_t run_ns = std::llround(share * double(period_ns));
  const pid_t limited = getpid();
  const pid_t child = fork();
  if (child < 0) return io_error(std::string("duty cycle: fork failed: ") + std::strerror(errno));
  if (child == 0) run_watchdog(limited, run_ns, period_ns);
  return child;
}

}  // namespace edgerun
