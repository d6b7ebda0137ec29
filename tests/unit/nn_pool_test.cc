// Pooling ops against direct window loops, and the window geometry rules.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "graph/ops/nn_common.h"
#include "tests/unit/op_runner.h"

namespace edgerun {
namespace {

using testing::random_values;

struct Pool2d {
  int64_t h, w, kh, kw, sh, sw, dh, dw, ph0, pw0, ph1, pw1;
  bool ceil_mode;
};

int64_t pool_out(int64_t in, int64_t k, int64_t s, int64_t d, int64_t p0, int64_t p1, bool ceil_mode) {
  const double span = static_cast<double>(in + p0 + p1 - (k - 1) * d - 1) / static_cast<double>(s);
  int64_t out = static_cast<int64_t>(ceil_mode ? std::ceil(span) : std::floor(span)) + 1;
  if (ceil_mode && (out - 1) * s >= in + p0) --out;  // no window may start in the end padding
  return out;
}

struct PoolResult {
  std::vector<double> max, avg_exclude, avg_include;
  std::vector<int64_t> argmax;  // row-major within the plane
};

// Window by window over one plane.
PoolResult direct_pool(const Pool2d& t, const std::vector<float>& x) {
  const int64_t oh = pool_out(t.h, t.kh, t.sh, t.dh, t.ph0, t.ph1, t.ceil_mode);
  const int64_t ow = pool_out(t.w, t.kw, t.sw, t.dw, t.pw0, t.pw1, t.ceil_mode);
  PoolResult r;
  for (int64_t i = 0; i < oh; ++i) {
    for (int64_t j = 0; j < ow; ++j) {
      double best = -std::numeric_limits<double>::infinity(), sum = 0.0;
      int64_t arg = -1, inside = 0, padded = 0;
      for (int64_t a = 0; a < t.kh; ++a) {
        for (int64_t b = 0; b < t.kw; ++b) {
          const int64_t y = i * t.sh - t.ph0 + a * t.dh, z = j * t.sw - t.pw0 + b * t.dw;
          if (y >= -t.ph0 && y < t.h + t.ph1 && z >= -t.pw0 && z < t.w + t.pw1) ++padded;
          if (y < 0 || y >= t.h || z < 0 || z >= t.w) continue;
          const double v = x[static_cast<size_t>(y * t.w + z)];
          ++inside;
          sum += v;
          if (v > best) best = v, arg = y * t.w + z;
        }
      }
      r.max.push_back(best);
      r.argmax.push_back(arg);
      r.avg_exclude.push_back(sum / static_cast<double>(inside));
      r.avg_include.push_back(sum / static_cast<double>(padded));
    }
  }
  return r;
}

Node pool_node(OpType op, const Pool2d& t, size_t outputs = 1) {
  Node n = testing::make_node(op, 1, outputs, 12);
  n.attrs.set_ints("kernel_shape", {t.kh, t.kw});
  n.attrs.set_ints("strides", {t.sh, t.sw});
  n.attrs.set_ints("pads", {t.ph0, t.pw0, t.ph1, t.pw1});
  n.attrs.set_int("ceil_mode", t.ceil_mode);
  if (op == OpType::kMaxPool) n.attrs.set_ints("dilations", {t.dh, t.dw});
  return n;
}

const Pool2d kPoolCases[] = {
    {7, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, false},
    {7, 9, 3, 2, 2, 3, 1, 1, 0, 1, 2, 0, true},
    {8, 8, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, true},
    {6, 5, 3, 3, 1, 2, 2, 1, 2, 1, 2, 1, false},  // dilated (MaxPool only)
    {5, 5, 5, 5, 3, 3, 1, 1, 2, 2, 2, 2, true},
};

void check_close(const std::vector<float>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-5));
}

TEST_CASE("MaxPool and AveragePool match direct window loops") {
  uint32_t seed = 1;
  for (const Pool2d& t : kPoolCases) {
    CAPTURE(seed);
    const int64_t channels = 3;
    const auto x = random_values<float>(static_cast<size_t>(channels * t.h * t.w), seed++);
    const Tensor input = Tensor::from_vector<float>({1, channels, t.h, t.w}, x);
    auto max = testing::run_op(pool_node(OpType::kMaxPool, t, 2), {input});
    REQUIRE(max.ok());
    for (int64_t c = 0; c < channels; ++c) {
      const std::vector<float> plane(x.begin() + c * t.h * t.w, x.begin() + (c + 1) * t.h * t.w);
      const PoolResult want = direct_pool(t, plane);
      const size_t n = want.max.size();
      const auto got = testing::values_of<float>(max.value()[0]);
      const auto idx = testing::values_of<int64_t>(max.value()[1]);
      REQUIRE(got.size() == n * channels);
      check_close(std::vector<float>(got.begin() + static_cast<int64_t>(n) * c, got.begin() + static_cast<int64_t>(n) * (c + 1)), want.max);
      for (size_t i = 0; i < n; ++i) CHECK(idx[n * static_cast<size_t>(c) + i] == c * t.h * t.w + want.argmax[i]);
      if (t.dh != 1 || t.dw != 1) continue;
      for (int include : {0, 1}) {
        Node avg = pool_node(OpType::kAveragePool, t);
        avg.attrs.set_int("count_include_pad", include);
        auto y = testing::run_op(avg, {input});
        REQUIRE(y.ok());
        const auto a = testing::values_of<float>(y.value()[0]);
        check_close(std::vector<float>(a.begin() + static_cast<int64_t>(n) * c, a.begin() + static_cast<int64_t>(n) * (c + 1)),
                    include ? want.avg_include : want.avg_exclude);
      }
    }
  }
}

TEST_CASE("MaxPool column-major indices and 1-D / 3-D windows") {
  Node n = testing::make_node(OpType::kMaxPool, 1, 2, 12);
  n.attrs.set_ints("kernel_shape", {2, 2});
  n.attrs.set_ints("strides", {2, 2});
  n.attrs.set_int("storage_order", 1);
  // Plane 3 x 4: max of each 2 x 2 window is its bottom-right element.
  std::vector<float> x(24);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i);
  auto y = testing::run_op(n, {Tensor::from_vector<float>({1, 2, 3, 4}, x)});
  REQUIRE(y.ok());
  CHECK(testing::values_of<float>(y.value()[0]) == std::vector<float>{5, 7, 17, 19});
  // (row 1, col 1) -> 1 + 1 * 3; (1, 3) -> 1 + 3 * 3; second plane offset by 12.
  CHECK(testing::values_of<int64_t>(y.value()[1]) == std::vector<int64_t>{4, 10, 16, 22});

  Node one = testing::make_node(OpType::kMaxPool, 1, 1, 12);
  one.attrs.set_ints("kernel_shape", {2});  // one pad: before the input for SAME_LOWER
  one.attrs.set_string("auto_pad", "SAME_LOWER");
  auto z = testing::run_op(one, {Tensor::from_vector<float>({1, 1, 4}, {4, 1, 2, 3})});
  REQUIRE(z.ok());
  CHECK(testing::values_of<float>(z.value()[0]) == std::vector<float>{4, 4, 2, 3});

  Node avg3 = testing::make_node(OpType::kAveragePool, 1, 1, 12);
  avg3.attrs.set_ints("kernel_shape", {2, 2, 2});
  std::vector<float> cube(8);
  for (size_t i = 0; i < cube.size(); ++i) cube[i] = static_cast<float>(i);
  auto w = testing::run_op(avg3, {Tensor::from_vector<float>({1, 1, 2, 2, 2}, cube)});
  REQUIRE(w.ok());
  CHECK(testing::values_of<float>(w.value()[0]) == std::vector<float>{3.5f});
}

TEST_CASE("global pools reduce every spatial dim") {
  const auto x = random_values<double>(2 * 3 * 4 * 5, 9);
  for (OpType op : {OpType::kGlobalAveragePool, OpType::kGlobalMaxPool}) {
    auto y = testing::run_op(testing::make_node(op, 1, 1), {Tensor::from_vector<double>({2, 3, 4, 5}, x)});
    REQUIRE(y.ok());
    CHECK(y.value()[0].shape() == Shape{2, 3, 1, 1});
    for (int64_t c = 0; c < 6; ++c) {
      double sum = 0.0, max = -1e9;
      for (int64_t i = 0; i < 20; ++i) sum += x[static_cast<size_t>(c * 20 + i)], max = std::max(max, x[static_cast<size_t>(c * 20 + i)]);
      CHECK(y.value()[0].data<double>()[c] == doctest::Approx(op == OpType::kGlobalMaxPool ? max : sum / 20));
    }
  }
}

TEST_CASE("window geometry resolves auto_pad, ceil_mode and rejects bad attributes") {
  Node n = testing::make_node(OpType::kMaxPool, 1, 1);
  n.attrs.set_string("auto_pad", "SAME_LOWER");
  n.attrs.set_ints("strides", {2});
  auto g = ops::window_geometry(n, {1, 1, 10}, {4}, false);
  REQUIRE(g.ok());
  CHECK(g.value().out == std::vector<int64_t>{5});
  CHECK(g.value().pads_begin == std::vector<int64_t>{1});  // total 2: SAME_LOWER puts the extra at the start
  CHECK(g.value().pads_end == std::vector<int64_t>{1});
  g = ops::window_geometry(n, {1, 1, 9}, {4}, false);
  REQUIRE(g.ok());
  CHECK(g.value().pads_begin == std::vector<int64_t>{2});
  CHECK(g.value().pads_end == std::vector<int64_t>{1});
  n.attrs.set_string("auto_pad", "VALID");
  CHECK(ops::window_geometry(n, {1, 1, 9}, {4}, true).value().out == std::vector<int64_t>{3});
  n.attrs.set_string("auto_pad", "SAME");
  CHECK_FALSE(ops::window_geometry(n, {1, 1, 9}, {4}, false).ok());
  n.attrs.set_string("auto_pad", "NOTSET");
  n.attrs.set_ints("pads", {1});
  CHECK_FALSE(ops::window_geometry(n, {1, 1, 9}, {4}, false).ok());
  n.attrs.set_ints("pads", {-1, 0});
  CHECK_FALSE(ops::window_geometry(n, {1, 1, 9}, {4}, false).ok());
}

}  // namespace
}  // namespace edgerun
