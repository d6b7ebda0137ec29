// The link model in user space (this kernel has no netem): a transfer first waits one one-way delay,
// rtt/2 + uniform jitter in [-jitter, +jitter] (clamped at 0, seeded), then its bytes pass a token
// bucket of the link's bandwidth. A message starts with no tokens in reserve (idle time earns no burst,
// so b bytes take b / bandwidth whatever came before: a 16 KiB burst let 131 ms of a 1 Mbit/s link through
// for free); within a message up to one chunk of credit is kept, so a sleep that overran is made up by
// the next chunk (without it, 1500 B chunks ran 2.5% slow at 1 Mbit/s). Bytes go in chunks of
// max(1500 B, 1 ms of bandwidth); the bucket may go into debt: a sender reserves its chunk and sleeps
// until the debt is paid, so concurrent transfers over one shaper share its bandwidth. Clock and sleep
// are injectable for tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <random>

#include "tools/tier/tier_profile.h"  // LinkProfile

namespace edgerun::serve {

// Seconds on a monotonic clock, and a sleep; the default is std::chrono::steady_clock and
// std::this_thread::sleep_for.
class LinkClock {
 public:
  virtual ~LinkClock() = default;
  virtual double now_s() = 0;
  virtual void sleep_s(double seconds) = 0;
  static LinkClock& system();
};

class LinkShaper {
 public:
  static constexpr size_t kMinChunkBytes = 1500;  // one Ethernet frame

  explicit LinkShaper(const LinkProfile& profile, uint64_t seed = 1, LinkClock* clock = nullptr);

  const LinkProfile& profile() const { return profile_; }
  // Bytes per paced chunk; SIZE_MAX when bandwidth is unlimited.
  size_t chunk_bytes() const { return chunk_bytes_; }
  // Draws one one-way delay in seconds.
  double draw_delay_s();
  // Sleeps one drawn one-way delay.
  void delay();
  // Blocks until `bytes` (at most one chunk) may go on the link.
  void acquire(size_t bytes);
  // Sends `size` bytes through `write` in paced chunks (no delay: call delay() first); false when a
  // write fails.
  bool send(const char* data, size_t size, const std::function<bool(const char*, size_t)>& write);

 private:
  void refill_locked(double now);

  LinkProfile profile_;
  LinkClock* clock_;
  double bytes_per_s_ = 0;
  size_t chunk_bytes_ = 0;
  std::mutex mutex_;
  std::mt19937_64 rng_;
  double tokens_ = 0;
  double last_s_ = 0;
};

}  // namespace edgerun::serve
