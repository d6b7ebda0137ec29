#include "engine/memory_planner.h"

#include <algorithm>
#include <numeric>

namespace edgerun {

namespace {
size_t align_up(size_t n, size_t a) { return (n + a - 1) / a * a; }
bool lifetimes_overlap(const BufferUsage& a, const BufferUsage& b) {
  return a.first_step <= b.last_step && b.first_step <= a.last_step;
}
}  // namespace

MemoryPlan plan_memory(const std::vector<BufferUsage>& usages, size_t alignment) {
  MemoryPlan plan;
  plan.offsets.assign(usages.size(), 0);
  std::vector<size_t> order(usages.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return usages[a].size > usages[b].size; });

  std::vector<size_t> placed;  // indices already given an offset
  for (size_t idx : order) {
    const BufferUsage& u = usages[idx];
    const size_t size = align_up(std::max<size_t>(u.size, 1), alignment);
    // Occupied intervals of placed buffers whose lifetimes overlap this one, by offset.
    std::vector<std::pair<size_t, size_t>> busy;
    for (size_t p : placed) {
      if (lifetimes_overlap(u, usages[p])) {
        busy.emplace_back(plan.offsets[p], plan.offsets[p] + align_up(std::max<size_t>(usages[p].size, 1), alignment));
      }
    }
    std::sort(busy.begin(), busy.end());
    size_t offset = 0;
    for (const auto& [begin, end] : busy) {
      if (begin >= offset + size) break;  // the gap before this interval fits
      offset = std::max(offset, end);
    }
    plan.offsets[idx] = offset;
    plan.arena_bytes = std::max(plan.arena_bytes, offset + size);
    placed.push_back(idx);
  }
  return plan;
}

size_t peak_live_bytes(const std::vector<BufferUsage>& usages, size_t alignment) {
  int last = 0;
  for (const BufferUsage& u : usages) last = std::max(last, u.last_step);
  size_t peak = 0;
  for (int step = 0; step <= last; ++step) {
    size_t live = 0;
    for (const BufferUsage& u : usages) {
      if (u.first_step <= step && step <= u.last_step) live += align_up(std::max<size_t>(u.size, 1), alignment);
    }
    peak = std::max(peak, live);
  }
  return peak;
}

}  // namespace edgerun
