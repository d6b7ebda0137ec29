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
  void sleep_s(double seconds) override { t += std::max(0.0, seconds) + (seconds > 0 ? overrun_s : 0); }
  double t = 100;
  double overrun_s = 0;  // how much longer than asked a sleep lasts (a real sleep's wake-up latency)
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

TEST_CASE("serve link shaper: N bytes at B Mbit/s take N*8/B seconds") {
  for (double mbit : {1.0, 8.0, 200.0, 1000.0}) {
    CAPTURE(mbit);
    FakeClock clock;
    LinkShaper shaper({mbit, 0, 0, ""}, 1, &clock);
    const double rate = mbit * 1e6 / 8;
    CHECK(shaper.chunk_bytes() == std::max<size_t>(LinkShaper::kMinChunkBytes, static_cast<size_t>(rate * 1e-3)));
    for (size_t bytes : {size_t{100}, size_t{3'000'000}}) {
      const auto [seconds, largest] = send_bytes(shaper, clock, bytes);
      CHECK(seconds == doctest::Approx(static_cast<double>(bytes) / rate));
      CHECK(largest <= shaper.chunk_bytes());
    }
  }
}

TEST_CASE("serve link shaper: idle time earns no burst, and shared use splits the bandwidth") {
  FakeClock clock;
  LinkShaper shaper({8.0, 0, 0, ""}, 1, &clock);  // 1 MB/s, 1500 B chunks
  send_bytes(shaper, clock, 1'000'000);
  clock.t += 10;  // a long idle spell: the next message still takes its bytes / bandwidth
  const auto [seconds, largest] = send_bytes(shaper, clock, 4'500);
  CHECK(seconds == doctest::Approx(4'500 / 1e6));
  CHECK(largest == 1'500);
  // Two senders alternating chunks over one shaper take as long as one sending both.
  const double t0 = clock.t;
  for (int i = 0; i < 1000; ++i) shaper.acquire(1'000);
  CHECK(clock.t - t0 == doctest::Approx(1.0).epsilon(0.02));
}

TEST_CASE("serve link shaper: a sleep that overruns is made up by the next chunk, not lost") {
  FakeClock clock;
  clock.overrun_s = 0.3e-3;
  LinkShaper shaper({1.0, 0, 0, ""}, 1, &clock);  // 125 kB/s: 1500 B chunks, 12 ms each
  const auto [seconds, largest] = send_bytes(shaper, clock, 150'000);  // 100 chunks
  (void)largest;
  // One overrun at the end at most, not one per chunk (which would add 30 ms).
  CHECK(seconds <= 150'000 / 125e3 + 2 * clock.overrun_s + 1e-9);
  CHECK(seconds >= 150'000 / 125e3 - 1e-9);
}

TEST_CASE("serve link shaper: unlimited bandwidth never sleeps") {
  FakeClock clock;
  LinkShaper shaper({0, 0, 0, ""}, 1, &clock);
  CHECK(shaper.chunk_bytes() == std::numeric_limits<size_t>::max());
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
