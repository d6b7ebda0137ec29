#include "tools/serve/link_shaper.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <thread>

namespace edgerun::serve {
namespace {

class SystemClock final : public LinkClock {
 public:
  double now_s() override {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  }
  void sleep_s(double seconds) override {
    if (seconds > 0) std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  }
};

}  // namespace

LinkClock& LinkClock::system() {
  static SystemClock clock;
  return clock;
}

LinkShaper::LinkShaper(const LinkProfile& profile, uint64_t seed, LinkClock* clock)
    : profile_(profile), clock_(clock != nullptr ? clock : &LinkClock::system()), rng_(seed) {
  if (profile_.bandwidth_mbit > 0) {
    bytes_per_s_ = profile_.bandwidth_mbit * 1e6 / 8;
    chunk_bytes_ = std::max(kMinChunkBytes, static_cast<size_t>(bytes_per_s_ * 1e-3));
  } else {
    chunk_bytes_ = std::numeric_limits<size_t>::max();
  }
  last_s_ = clock_->now_s();
}

double LinkShaper::draw_delay_s() {
  double ms = profile_.rtt_ms / 2;
  if (profile_.jitter_ms > 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    ms += std::uniform_real_distribution<double>(-profile_.jitter_ms, profile_.jitter_ms)(rng_);
  }
  return std::max(0.0, ms) / 1e3;
}

void LinkShaper::delay() { clock_->sleep_s(draw_delay_s()); }

void LinkShaper::refill_locked(double now) {
  // Credit up to one chunk: a sleep that overran pays for the next chunk instead of being lost.
  tokens_ = std::min(static_cast<double>(chunk_bytes_), tokens_ + (now - last_s_) * bytes_per_s_);
  last_s_ = now;
}

void LinkShaper::acquire(size_t bytes) {
  if (bytes_per_s_ <= 0) return;
  double wait_s = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    refill_locked(clock_->now_s());
    tokens_ -= static_cast<double>(bytes);
    if (tokens_ < 0) wait_s = -tokens_ / bytes_per_s_;
  }
  clock_->sleep_s(wait_s);
}

bool LinkShaper::send(const char* data, size_t size, const std::function<bool(const char*, size_t)>& write) {
  if (bytes_per_s_ > 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    refill_locked(clock_->now_s());
    tokens_ = std::min(tokens_, 0.0);  // a message earns no burst from the idle time before it
  }
  for (size_t offset = 0; offset < size;) {
    const size_t n = std::min(chunk_bytes_, size - offset);
    acquire(n);
    if (!write(data + offset, n)) return false;
    offset += n;
  }
  return true;
}

}  // namespace edgerun::serve
