#include <doctest/doctest.h>

#include <random>

#include "engine/memory_planner.h"

namespace edgerun {
namespace {

// Independent check: no two buffers alive at the same step share a byte.
bool plan_is_valid(const std::vector<BufferUsage>& u, const MemoryPlan& p) {
  for (size_t a = 0; a < u.size(); ++a) {
    if (p.offsets[a] % 64 != 0 || p.offsets[a] + u[a].size > p.arena_bytes) return false;
    for (size_t b = a + 1; b < u.size(); ++b) {
      const bool live_together = u[a].first_step <= u[b].last_step && u[b].first_step <= u[a].last_step;
      const bool bytes_overlap = p.offsets[a] < p.offsets[b] + u[b].size && p.offsets[b] < p.offsets[a] + u[a].size;
      if (live_together && bytes_overlap && u[a].size > 0 && u[b].size > 0) return false;
    }
  }
  return true;
}

TEST_CASE("a chain reuses memory: two buffers suffice") {
  // x0 -> x1 -> x2 -> x3, each read only by the next step.
  std::vector<BufferUsage> u{{1000, 0, 1}, {1000, 1, 2}, {1000, 2, 3}, {1000, 3, 4}};
  MemoryPlan p = plan_memory(u);
  CHECK(plan_is_valid(u, p));
  CHECK(p.arena_bytes == 2 * 1024);
  CHECK(peak_live_bytes(u) == 2 * 1024);
}

TEST_CASE("random lifetimes give valid plans close to the live peak") {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<BufferUsage> u;
    for (int i = 0; i < 40; ++i) {
      const int first = static_cast<int>(rng() % 30);
      u.push_back({static_cast<size_t>(rng() % 5000), first, first + static_cast<int>(rng() % 6)});
    }
    MemoryPlan p = plan_memory(u);
    REQUIRE(plan_is_valid(u, p));
    CHECK(p.arena_bytes >= peak_live_bytes(u));
    CHECK(p.arena_bytes <= 2 * peak_live_bytes(u));
  }
}

}  // namespace
}  // namespace edgerun
