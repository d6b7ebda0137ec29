#include <doctest/doctest.h>

#include <algorithm>
#include <limits>

#include "tools/serve/link_shaper.h"

namespace edgerun::serve {
namespace {

// Time moves only when someone sleeps.
class FakeClock final : public LinkClock {
 public:
  double now_s() override { return t; }
  void sleep_s(double seconds) override { t += std::max(0.0, seconds); }
  double t = 100;
};

// Sends `bytes` through the shaper; returns the fake seconds it took and the largest chunk.
std::pair<double, size_t> send_bytes(LinkShaper& shaper, FakeClock& clock, size_t bytes) {
  const std::string data(bytes, 'x');
  size_t sent = 0, largest = 0;
  const double t0 = clock.t;
  REQUIRE(shaper.send(data.data(), data.size(), [&](const char*, size_t n) {
    sent += n;
    largest = std::max(largest, n);
    return true;
  }));
  CHECK(sent == bytes);
  return {clock.t - t0, largest};
}

}  // namespace

TEST_CASE("serve link shaper: N bytes at B Mbit/s take N*8/B seconds, within one burst") {
  for (double mbit : {1.0, 8.0, 200.0, 1000.0}) {
    CAPTURE(mbit);
    FakeClock clock;
    LinkShaper shaper({mbit, 0, 0, ""}, 1, &clock);
    const double rate = mbit * 1e6 / 8;
    CHECK(shaper.burst_bytes() == std::max<size_t>(LinkShaper::kMinBurstBytes, static_cast<size_t>(rate * 1e-3)));
    const size_t bytes = 3'000'000;
    const auto [seconds, largest] = send_bytes(shaper, clock, bytes);
    const double ideal = static_cast<double>(bytes) / rate;
    const double burst_s = static_cast<double>(shaper.burst_bytes()) / rate;
    CHECK(seconds >= ideal - burst_s - 1e-9);
    CHECK(seconds <= ideal + 1e-9);
    CHECK(largest <= shaper.burst_bytes());
  }
}

TEST_CASE("serve link shaper: the bucket refills while idle, and shared use splits the bandwidth") {
  FakeClock clock;
  LinkShaper shaper({8.0, 0, 0, ""}, 1, &clock);  // 1 MB/s, 1500 B burst
  send_bytes(shaper, clock, 1'000'000);
  clock.t += 10;  // idle: the bucket is full again, but never above one burst
  const auto [seconds, largest] = send_bytes(shaper, clock, shaper.burst_bytes());
  CHECK(seconds == doctest::Approx(0.0));
  (void)largest;
  const auto [two_bursts_s, unused] = send_bytes(shaper, clock, 2 * shaper.burst_bytes());
  CHECK(two_bursts_s == doctest::Approx(2 * 1500 / 1e6));
  (void)unused;
  // Two senders alternating chunks over one shaper take as long as one sending both.
  const double t0 = clock.t;
  for (int i = 0; i < 1000; ++i) shaper.acquire(1'000);
  CHECK(clock.t - t0 == doctest::Approx(1.0).epsilon(0.02));
}

TEST_CASE("serve link shaper: unlimited bandwidth never sleeps") {
  FakeClock clock;
  LinkShaper shaper({0, 0, 0, ""}, 1, &clock);
  CHECK(shaper.burst_bytes() == std::numeric_limits<size_t>::max());
  CHECK(send_bytes(shaper, clock, 5'000'000).first == 0.0);
  CHECK(shaper.draw_delay_s() == 0.0);
  CHECK_FALSE(LinkProfile{}.shaped());
}

TEST_CASE("serve link shaper: one-way delay is rtt/2 plus jitter in bounds, clamped at zero, seeded") {
  FakeClock clock;
  LinkShaper fixed({0, 10, 0, ""}, 1, &clock);
  CHECK(fixed.draw_delay_s() == doctest::Approx(0.005));
  fixed.delay();
  CHECK(clock.t == doctest::Approx(100.005));

  LinkShaper jittery({0, 10, 3, ""}, 7, &clock), same_seed({0, 10, 3, ""}, 7, &clock);
  double lo = 1, hi = 0;
  for (int i = 0; i < 2000; ++i) {
    const double d = jittery.draw_delay_s();
    CHECK(d == same_seed.draw_delay_s());
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  CHECK(lo >= 0.002);
  CHECK(hi <= 0.008);
  CHECK(lo < 0.0025);  // the draws cover the range
  CHECK(hi > 0.0075);

  LinkShaper clamped({0, 2, 5, ""}, 3, &clock);
  int zeros = 0;
  for (int i = 0; i < 1000; ++i) {
    const double d = clamped.draw_delay_s();
    CHECK(d >= 0.0);
    CHECK(d <= 0.006);
    zeros += d == 0.0;
  }
  CHECK(zeros > 0);
}

}  // namespace edgerun::serve
