#include "tools/common/progress.h"

#include <unistd.h>

#include <algorithm>

namespace edgerun {

namespace {

constexpr double kShowAfterSeconds = 2.0;  // "anything longer than a few seconds"
constexpr double kRedrawSeconds = 0.1;
constexpr int kWidth = 24;  // bar characters

double seconds_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

ProgressBar::ProgressBar(std::string label, int64_t total)
    : label_(std::move(label)), total_(total), terminal_(isatty(fileno(stderr)) != 0), start_(Clock::now()) {}

ProgressBar::~ProgressBar() {
  if (drawn_) std::fprintf(stderr, "\r\033[K");
}

std::string ProgressBar::render(const std::string& label, int64_t done, int64_t total, double seconds) {
  done = std::clamp<int64_t>(done, 0, total);
  const double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string line = label + " [" + std::string(static_cast<size_t>(filled), '#') +
                     std::string(static_cast<size_t>(kWidth - filled), '.') + "] ";
  char tail[96];
  if (done > 0) {
    const double eta = seconds * static_cast<double>(total - done) / static_cast<double>(done);
    std::snprintf(tail, sizeof tail, "%3d%% %lld/%lld, ETA %.1f s", static_cast<int>(fraction * 100.0),
                  static_cast<long long>(done), static_cast<long long>(total), eta);
  } else {
    std::snprintf(tail, sizeof tail, "%3d%% %lld/%lld", 0, 0LL, static_cast<long long>(total));
  }
  return line + tail;
}

void ProgressBar::update(int64_t done, int64_t total) {
  total_ = total;
  update(done);
}

void ProgressBar::update(int64_t done) {
  if (!terminal_ || total_ <= 0) return;
  const Clock::time_point now = Clock::now();
  const double elapsed = seconds_between(start_, now);
  if (elapsed < kShowAfterSeconds || (drawn_ && seconds_between(last_draw_, now) < kRedrawSeconds)) return;
  std::fprintf(stderr, "\r\033[K%s", render(label_, done, total_, elapsed).c_str());
  std::fflush(stderr);
  drawn_ = true;
  last_draw_ = now;
}

}  // namespace edgerun
