// A process's memory as the kernel reports it in /proc/PID/status: resident now (VmRSS) and its peak
// resident set (VmHWM). Tier servers measure what a loaded model needs with it before they limit
// themselves; spawners read their tier processes' figures.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "graph/status.h"

namespace edgerun {

enum class MemoryFigure { kResident, kPeakResident };

// The figure of process `pid` (0: this process) in bytes. Errors name the file: the process is gone,
// or its status has no such line.
Result<int64_t> process_memory_bytes(pid_t pid, MemoryFigure figure);

// Bytes as MiB with one decimal, for messages: "22.5 MiB".
std::string format_mib(int64_t bytes);

}  // namespace edgerun
