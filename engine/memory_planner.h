// Liveness-based arena planning: every activation buffer has a lifetime [first_step, last_step]; the
// planner gives each an offset in one arena so that buffers alive at the same step never overlap.
// Greedy by size, largest first, each placed in the lowest gap that fits (as TFLite Micro's greedy
// planner and XNNPACK's memory planner do).
#pragma once

#include <cstddef>
#include <vector>

namespace edgerun {

struct BufferUsage {
  size_t size = 0;
  int first_step = 0;  // step that writes the buffer
  int last_step = 0;   // last step that reads it (inclusive)
};

struct MemoryPlan {
  std::vector<size_t> offsets;  // one per usage, aligned
  size_t arena_bytes = 0;       // peak: the arena size to reserve
};

MemoryPlan plan_memory(const std::vector<BufferUsage>& usages, size_t alignment = 64);

// Sum of sizes of buffers alive at the busiest step: a lower bound for any plan's arena size.
size_t peak_live_bytes(const std::vector<BufferUsage>& usages, size_t alignment = 64);

}  // namespace edgerun
