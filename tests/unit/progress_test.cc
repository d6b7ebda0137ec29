// The tools' progress bar (tools/common/progress.h): the line it draws, its ETA, and its clamping.
#include <doctest/doctest.h>

#include "tools/common/progress.h"

namespace edgerun {
namespace {

TEST_CASE("progress bar: fraction, counts and an ETA from the rate so far") {
  // 10 of 40 done in 3 s: 30 left at 0.3 s each.
  CHECK(ProgressBar::render("latency", 10, 40, 3.0) == "latency [######..................]  25% 10/40, ETA 9.0 s");
  CHECK(ProgressBar::render("requests", 40, 40, 8.0) == "requests [########################] 100% 40/40, ETA 0.0 s");
}

TEST_CASE("progress bar: nothing done yet has no ETA; counts past the total are clamped") {
  CHECK(ProgressBar::render("accuracy", 0, 7, 2.5) == "accuracy [........................]   0% 0/7");
  CHECK(ProgressBar::render("x", 9, 7, 1.0) == "x [########################] 100% 7/7, ETA 0.0 s");
}

}  // namespace
}  // namespace edgerun
