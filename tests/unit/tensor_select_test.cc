// EyeLike, Compress, ReverseSequence and Unique against direct definitions.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "tests/unit/tensor_op_tester.h"

namespace edgerun::testing {
namespace {

TEST_CASE("EyeLike puts ones on the k-th diagonal in the requested type") {
  for (int64_t k : {-2, 0, 1, 4}) {
    OpTester t("EyeLike", 9);
    t.attr("k", k).attr("dtype", int64_t{static_cast<int64_t>(DType::kI32)}).input(iota<float>({3, 4}));
    REQUIRE(t.run().ok());
    REQUIRE(t.output().dtype() == DType::kI32);
    const auto v = t.values<int32_t>();
    for (int64_t r = 0; r < 3; ++r)
      for (int64_t c = 0; c < 4; ++c) CHECK(v[r * 4 + c] == (c - r == k ? 1 : 0));
  }
  OpTester same("EyeLike", 9);
  same.input(iota<double>({2, 2}));
  REQUIRE(same.run().ok());
  CHECK(same.values<double>() == std::vector<double>{1, 0, 0, 1});
}

TEST_CASE("Compress keeps the slices whose condition is true, along an axis or flattened") {
  const Tensor x = iota<float>({3, 4});
  const Tensor cond = Tensor::from_vector<bool>({3}, {true, false, true});
  for (int64_t axis : {0, 1, -1}) {
    OpTester t("Compress", 11);
    t.attr("axis", axis).input(x).input(cond);
    REQUIRE(t.run().ok());
    const int64_t a = axis < 0 ? axis + 2 : axis;
    Shape want_shape = x.shape();
    want_shape[static_cast<size_t>(a)] = 2;
    REQUIRE(t.output().shape() == want_shape);
    const int64_t kept[] = {0, 2};
    for (int64_t o = 0; o < t.output().num_elements(); ++o) {
      std::vector<int64_t> i = unravel(o, want_shape);
      i[static_cast<size_t>(a)] = kept[i[static_cast<size_t>(a)]];
      CHECK(t.output().data<float>()[o] == x.data<float>()[ravel(i, x.shape())]);
    }
  }
  OpTester flat("Compress", 11);
  flat.input(x).input(Tensor::from_vector<bool>({6}, {false, true, true, false, false, true}));
  REQUIRE(flat.run().ok());
  CHECK(flat.values<float>() == std::vector<float>{1, 2, 5});
  OpTester unknown("Compress", 11);
  unknown.input(x).input(cond, false);
  CHECK(unknown.infer().code() == StatusCode::kNeedsValue);
  OpTester too_long("Compress", 11);
  too_long.attr("axis", int64_t{0}).input(x).input(Tensor::from_vector<bool>({4}, {true, false, false, true}));
  CHECK_FALSE(too_long.run().ok());
}

TEST_CASE("ReverseSequence reverses each batch entry's first sequence_lens steps") {
  const Tensor x = iota<int32_t>({4, 3, 2});  // [time, batch, inner] and [batch, time, inner]
  const std::vector<int64_t> lens_time = {4, 1, 2}, lens_batch = {3, 0, 2, 1};
  for (int batch_major = 0; batch_major < 2; ++batch_major) {
    OpTester t("ReverseSequence", 10);
    t.attr("batch_axis", int64_t{batch_major ? 0 : 1}).attr("time_axis", int64_t{batch_major ? 1 : 0});
    const std::vector<int64_t>& lens = batch_major ? lens_batch : lens_time;
    t.input(x).input(i64(lens));
    REQUIRE(t.run().ok());
    for (int64_t o = 0; o < x.num_elements(); ++o) {
      std::vector<int64_t> i = unravel(o, x.shape());
      int64_t& step = i[batch_major ? 1 : 0];
      const int64_t len = lens[static_cast<size_t>(i[batch_major ? 0 : 1])];
      if (step < len) step = len - 1 - step;
      CHECK(t.output().data<int32_t>()[o] == x.data<int32_t>()[ravel(i, x.shape())]);
    }
  }
  OpTester bad("ReverseSequence", 10);
  bad.input(x).input(i64({5, 1, 1}));
  CHECK_FALSE(bad.run().ok());
}

TEST_CASE("Unique without axis: sorted or first-occurrence order, indices, inverse and counts") {
  const std::vector<float> x = {2, 1, 1, 3, 4, 3, NAN, 2, NAN};
  for (int sorted = 0; sorted < 2; ++sorted) {
    OpTester t("Unique", 11, 4);
    t.attr("sorted", int64_t{sorted}).input(Tensor::from_vector<float>({3, 3}, x));
    REQUIRE(t.run().ok());
    // Direct definition: distinct values (NaNs one group, last when sorted) with first index and count.
    std::vector<float> want;
    for (float v : x) {
      if (std::none_of(want.begin(), want.end(), [&](float w) { return w == v || (std::isnan(w) && std::isnan(v)); })) want.push_back(v);
    }
    if (sorted) std::sort(want.begin(), want.end(), [](float a, float b) { return !std::isnan(a) && (std::isnan(b) || a < b); });
    auto same = [](float a, float b) { return a == b || (std::isnan(a) && std::isnan(b)); };
    const auto y = t.values<float>();
    REQUIRE(y.size() == want.size());
    const auto first = t.values<int64_t>(1), inverse = t.values<int64_t>(2), counts = t.values<int64_t>(3);
    for (size_t u = 0; u < want.size(); ++u) {
      CHECK(same(y[u], want[u]));
      const auto f = std::find_if(x.begin(), x.end(), [&](float v) { return same(v, want[u]); });
      CHECK(first[u] == f - x.begin());
      CHECK(counts[u] == std::count_if(x.begin(), x.end(), [&](float v) { return same(v, want[u]); }));
    }
    for (size_t i = 0; i < x.size(); ++i) CHECK(same(y[static_cast<size_t>(inverse[i])], x[i]));
  }
}

TEST_CASE("Unique along an axis compares whole slices lexicographically") {
  // Rows along axis 0: [1 0] [0 5] [1 0] [0 2]  -> sorted distinct rows [0 2] [0 5] [1 0].
  OpTester t("Unique", 11, 4);
  t.attr("axis", int64_t{0}).input(Tensor::from_vector<int64_t>({4, 2}, {1, 0, 0, 5, 1, 0, 0, 2}));
  REQUIRE(t.run().ok());
  CHECK(t.output().shape() == Shape{3, 2});
  CHECK(t.values<int64_t>() == std::vector<int64_t>{0, 2, 0, 5, 1, 0});
  CHECK(t.values<int64_t>(1) == std::vector<int64_t>{3, 1, 0});
  CHECK(t.values<int64_t>(2) == std::vector<int64_t>{2, 1, 2, 0});
  CHECK(t.values<int64_t>(3) == std::vector<int64_t>{1, 1, 2});
  OpTester unknown("Unique", 11, 4);
  unknown.input(i64({1, 2}), false);
  CHECK(unknown.infer().code() == StatusCode::kNeedsValue);
}

}  // namespace
}  // namespace edgerun::testing
