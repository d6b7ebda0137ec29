#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "tests/unit/tensor_op_tester.h"

namespace edgerun::testing {
namespace {

TEST_CASE("Gather picks slices along the axis, negative indices from the end") {
  const Tensor x = iota<float>({3, 4});
  const Tensor idx = Tensor::from_vector<int32_t>({2, 2}, {0, -1, 2, 1});
  for (int64_t axis : {0, 1, -1}) {
    OpTester t("Gather", 13);
    t.attr("axis", axis).input(x).input(idx);
    REQUIRE(t.run().ok());
    const int64_t a = axis < 0 ? axis + 2 : axis;
    const Shape expect = a == 0 ? Shape{2, 2, 4} : Shape{3, 2, 2};
    REQUIRE(t.output().shape() == expect);
    for (int64_t o = 0; o < t.output().num_elements(); ++o) {
      const std::vector<int64_t> i = unravel(o, expect);
      int64_t k = idx.data<int32_t>()[a == 0 ? i[0] * 2 + i[1] : i[1] * 2 + i[2]];
      if (k < 0) k += x.dim(a);
      const int64_t src = a == 0 ? ravel({k, i[2]}, x.shape()) : ravel({i[0], k}, x.shape());
      CHECK(t.output().data<float>()[o] == x.data<float>()[src]);
    }
  }
  OpTester oob("Gather", 13);
  oob.input(x).input(i64({3}));
  CHECK(oob.infer().ok());
  CHECK_FALSE(oob.run().ok());
}

TEST_CASE("GatherElements and ScatterElements index one element per position") {
  const Tensor data = iota<float>({3, 3});
  const Tensor idx = Tensor::from_vector<int64_t>({2, 3}, {1, -1, 0, 2, 0, 1});
  for (int64_t axis : {0, 1}) {
    OpTester g("GatherElements", 13);
    g.attr("axis", axis).input(data).input(idx);
    REQUIRE(g.run().ok());
    for (int64_t o = 0; o < 6; ++o) {
      std::vector<int64_t> i = unravel(o, {2, 3});
      int64_t k = idx.data<int64_t>()[o];
      i[static_cast<size_t>(axis)] = k < 0 ? k + 3 : k;
      CHECK(g.output().data<float>()[o] == data.data<float>()[ravel(i, {3, 3})]);
    }
  }
  const Tensor updates = iota<float>({2, 3}, 10.0f);
  for (const std::string red : {"none", "add", "mul"}) {
    OpTester s("ScatterElements", 16);
    s.attr("axis", int64_t{0}).attr("reduction", red).input(data).input(idx).input(updates);
    REQUIRE(s.run().ok());
    std::vector<float> expect = values_of<float>(data);
    for (int64_t o = 0; o < 6; ++o) {
      std::vector<int64_t> i = unravel(o, {2, 3});
      const int64_t k = idx.data<int64_t>()[o];
      i[0] = k < 0 ? k + 3 : k;
      float& e = expect[static_cast<size_t>(ravel(i, {3, 3}))];
      const float u = updates.data<float>()[o];
      e = red == "add" ? e + u : (red == "mul" ? e * u : u);
    }
    CHECK(s.values<float>() == expect);
  }
}

TEST_CASE("GatherND with batch_dims gathers slices per batch") {
  const Tensor data = iota<int32_t>({2, 3, 4});
  // batch_dims 1: per batch, indices [2, 1] pick rows of the [3, 4] slice.
  const Tensor idx = Tensor::from_vector<int64_t>({2, 2, 1}, {2, 0, -1, 1});
  OpTester t("GatherND", 13);
  t.attr("batch_dims", int64_t{1}).input(data).input(idx);
  REQUIRE(t.run().ok());
  REQUIRE(t.output().shape() == Shape{2, 2, 4});
  for (int64_t o = 0; o < 16; ++o) {
    const std::vector<int64_t> i = unravel(o, {2, 2, 4});
    int64_t row = idx.data<int64_t>()[i[0] * 2 + i[1]];
    if (row < 0) row += 3;
    CHECK(t.output().data<int32_t>()[o] == data.data<int32_t>()[ravel({i[0], row, i[2]}, data.shape())]);
  }
  OpTester full("GatherND", 13);
  full.input(data).input(Tensor::from_vector<int64_t>({2, 3}, {1, 2, 3, 0, 0, 0}));
  REQUIRE(full.run().ok());
  CHECK(full.values<int32_t>() == std::vector<int32_t>{23, 0});
}

TEST_CASE("ScatterND writes or reduces slices at index tuples") {
  const Tensor data = iota<float>({4, 2});
  const Tensor idx = Tensor::from_vector<int64_t>({3, 1}, {1, -1, 1});
  const Tensor updates = iota<float>({3, 2}, 10.0f);
  for (const std::string red : {"none", "add", "mul"}) {
    OpTester s("ScatterND", 16);
    s.attr("reduction", red).input(data).input(idx).input(updates);
    REQUIRE(s.run().ok());
    std::vector<float> expect = values_of<float>(data);
    for (int64_t n = 0; n < 3; ++n) {
      int64_t row = idx.data<int64_t>()[n];
      if (row < 0) row += 4;
      for (int64_t j = 0; j < 2; ++j) {
        float& e = expect[static_cast<size_t>(row * 2 + j)];
        const float u = updates.data<float>()[n * 2 + j];
        e = red == "add" ? e + u : (red == "mul" ? e * u : u);
      }
    }
    CHECK(s.values<float>() == expect);
  }
  OpTester bad("ScatterND", 16);
  bad.input(data).input(idx).input(iota<float>({3, 3}));
  CHECK_FALSE(bad.infer().ok());
}

TEST_CASE("OneHot places on values at the axis, wrapping negative indices") {
  const Tensor idx = Tensor::from_vector<float>({2, 2}, {0, 2, -1, 5});
  const Tensor values = Tensor::from_vector<int32_t>({2}, {-1, 7});
  for (int64_t axis : {-1, 0, 1}) {
    OpTester t("OneHot", 11);
    t.attr("axis", axis).input(idx).input(Tensor::scalar<int64_t>(3)).input(values);
    REQUIRE(t.run().ok());
    const size_t a = static_cast<size_t>(axis < 0 ? axis + 3 : axis);
    REQUIRE(t.output().shape()[a] == 3);
    for (int64_t o = 0; o < 12; ++o) {
      std::vector<int64_t> i = unravel(o, t.output().shape());
      const int64_t d = i[a];
      i.erase(i.begin() + static_cast<std::ptrdiff_t>(a));
      int64_t k = static_cast<int64_t>(idx.data<float>()[ravel(i, {2, 2})]);
      if (k < 0) k += 3;
      CHECK(t.output().data<int32_t>()[o] == (k == d ? 7 : -1));
    }
  }
}

TEST_CASE("NonZero lists coordinates in row-major order and needs the input value") {
  const Tensor x = Tensor::from_vector<int32_t>({2, 3}, {0, 4, 0, -1, 0, 2});
  OpTester t("NonZero", 13);
  t.input(x, /*known=*/false);
  CHECK(t.infer().code() == StatusCode::kNeedsValue);
  REQUIRE(t.run().ok());
  CHECK(t.output().shape() == Shape{2, 3});
  CHECK(t.values<int64_t>() == std::vector<int64_t>{0, 1, 1, 1, 0, 2});
  OpTester b("NonZero", 13);
  b.input(Tensor::from_vector<bool>({3}, {false, false, false}));
  REQUIRE(b.run().ok());
  CHECK(b.output().shape() == Shape{1, 0});
}

TEST_CASE("TopK sorts largest or smallest with lower indices first on ties") {
  const Tensor x = Tensor::from_vector<float>({2, 5}, {3, 1, 3, 2, 1, 0, 5, 5, 5, -1});
  for (int64_t largest = 0; largest <= 1; ++largest) {
    OpTester t("TopK", 11, 2);
    t.attr("largest", largest).input(x).input(i64({3}));
    REQUIRE(t.run().ok());
    for (int64_t r = 0; r < 2; ++r) {
      std::vector<int64_t> order{0, 1, 2, 3, 4};
      const float* row = x.data<float>() + r * 5;
      std::stable_sort(order.begin(), order.end(),
                       [&](int64_t a, int64_t b) { return largest ? row[a] > row[b] : row[a] < row[b]; });
      for (int64_t j = 0; j < 3; ++j) {
        CHECK(t.output(1).data<int64_t>()[r * 3 + j] == order[static_cast<size_t>(j)]);
        CHECK(t.output(0).data<float>()[r * 3 + j] == row[order[static_cast<size_t>(j)]]);
      }
    }
  }
  OpTester axis0("TopK", 11, 2);
  axis0.attr("axis", int64_t{0}).input(x).input(i64({1}));
  REQUIRE(axis0.run().ok());
  CHECK(axis0.values<float>(0) == std::vector<float>{3, 5, 5, 5, 1});
  CHECK(axis0.values<int64_t>(1) == std::vector<int64_t>{0, 1, 1, 1, 0});
  OpTester too_many("TopK", 11, 2);
  too_many.input(x).input(i64({6}));
  CHECK_FALSE(too_many.infer().ok());
}

TEST_CASE("CumSum supports exclusive, reverse and any axis") {
  const Tensor x = iota<int64_t>({2, 3}, 1);
  for (int64_t axis : {0, 1, -1}) {
    for (int64_t excl = 0; excl <= 1; ++excl) {
      for (int64_t rev = 0; rev <= 1; ++rev) {
        OpTester t("CumSum", 14);
        t.attr("exclusive", excl).attr("reverse", rev).input(x).input(Tensor::scalar<int32_t>(static_cast<int32_t>(axis)));
        REQUIRE(t.run().ok());
        const size_t a = static_cast<size_t>(axis < 0 ? axis + 2 : axis);
        for (int64_t o = 0; o < 6; ++o) {
          const std::vector<int64_t> i = unravel(o, {2, 3});
          int64_t sum = 0;
          for (int64_t j = 0; j < x.shape()[a]; ++j) {
            const bool in = rev ? (excl ? j > i[a] : j >= i[a]) : (excl ? j < i[a] : j <= i[a]);
            std::vector<int64_t> k = i;
            k[a] = j;
            if (in) sum += x.data<int64_t>()[ravel(k, {2, 3})];
          }
          CHECK(t.output().data<int64_t>()[o] == sum);
        }
      }
    }
  }
}

}  // namespace
}  // namespace edgerun::testing
