// A user-space CPU limiter (the method of cpulimit), for where no cpu cgroup is writable: a watchdog child
// lets this process run for `share` of every period and holds it with SIGSTOP for the rest.
//   - Start it before the process creates threads (fork copies only the calling thread; the watchdog
//     itself calls only async-signal-safe functions, so a later start is safe but not recommended).
//   - It bounds wall-clock running time, so a process running T busy threads uses up to T * share CPUs;
//     the tier profiles match the thread count to the share (cpu_share 0.5 -> 1 thread).
//   - The watchdog dies with this process (PR_SET_PDEATHSIG plus a getppid() check every period). Sent
//     SIGTERM, SIGINT, SIGHUP or SIGQUIT, it continues this process before exiting, so it never leaves
//     it stopped (SIGKILL cannot be caught: a watchdog killed that way mid-pause leaves it stopped until
//     someone sends SIGCONT).
//   - The parent of this process sees every stop: SIGCHLD (unless it set SA_NOCLDSTOP) and, under
//     waitpid(WUNTRACED), a stopped child; plain waitpid() ignores stops. An interactive shell running
//     the tier in the foreground therefore reports it "Stopped": run it in the background or from a program.
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "graph/status.h"

namespace edgerun {

// Forks the watchdog; returns its pid. Requires 0 < share < 1 and period_us >= 1000.
Result<pid_t> start_duty_cycle(double share, int64_t period_us);

}  // namespace edgerun
