// A progress bar with ETA on stderr for the tools' long loops (timed runs, accuracy evaluation,
// requests through tier servers): "label [#######.......] 45% 12/27, ETA 3.2 s". It appears only when
// stderr is a terminal and the work has already taken a couple of seconds (short runs and logs stay
// clean), redraws at most ten times a second, and clears its line when done, so the report printed to
// stdout is unchanged.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace edgerun {

class ProgressBar {
 public:
  // total: the units of work (runs, samples, requests); 0 or less: nothing is shown.
  ProgressBar(std::string label, int64_t total);
  ~ProgressBar();  // clears the line if it was drawn
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void update(int64_t done);                 // units finished so far
  void update(int64_t done, int64_t total);  // ... of a total known only as the work goes

  // The line as drawn for `done` of total after `seconds` (exposed for tests).
  static std::string render(const std::string& label, int64_t done, int64_t total, double seconds);

 private:
  using Clock = std::chrono::steady_clock;
  std::string label_;
  int64_t total_;
  bool terminal_;
  Clock::time_point start_, last_draw_;
  bool drawn_ = false;
};

}  // namespace edgerun
