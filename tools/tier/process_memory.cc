#include "tools/tier/process_memory.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace edgerun {

Result<int64_t> process_memory_bytes(pid_t pid, MemoryFigure figure) {
  const std::string field = figure == MemoryFigure::kResident ? "VmRSS" : "VmHWM";
  const std::string path = "/proc/" + (pid == 0 ? std::string("self") : std::to_string(pid)) + "/status";
  std::ifstream in(path);
  if (!in) return not_found("cannot read " + path + " (no such process?)");
  const std::string key = field + ":";
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size(), key) != 0) continue;
    char* end = nullptr;
    const long long kib = std::strtoll(line.c_str() + key.size(), &end, 10);  // "VmHWM:   123456 kB"
    if (end == line.c_str() + key.size() || kib <= 0) return internal_error("bad line in " + path + ": " + line);
    return int64_t{kib} * 1024;
  }
  return not_found("no " + field + " line in " + path);
}

std::string format_mib(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

}  // namespace edgerun
