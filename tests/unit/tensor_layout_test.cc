#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "tests/unit/tensor_op_tester.h"

namespace edgerun::testing {
namespace {

// Deterministic small pseudo-random numbers for generated cases.
struct Lcg {
  uint64_t s = 12345;
  int64_t next(int64_t lo, int64_t hi) {  // inclusive
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return lo + static_cast<int64_t>((s >> 33) % static_cast<uint64_t>(hi - lo + 1));
  }
};

TEST_CASE("Transpose matches index permutation for every perm of a 3-D tensor, any element size") {
  const Shape in{2, 3, 4};
  std::vector<int64_t> perm{0, 1, 2};
  do {
    for (DType dt : {DType::kF32, DType::kI8, DType::kI16, DType::kF64}) {
      Tensor x = Tensor::allocate(dt, in).value();
      for (int64_t i = 0; i < 24; ++i) std::memcpy(static_cast<char*>(x.raw_data()) + i * dtype_size(dt), &i, 1);
      OpTester t("Transpose", 13);
      t.attr("perm", perm).input(x);
      REQUIRE(t.run().ok());
      const Tensor& out = t.output();
      for (int64_t o = 0; o < 24; ++o) {
        const std::vector<int64_t> oi = unravel(o, out.shape());
        std::vector<int64_t> ii(3);
        for (size_t k = 0; k < 3; ++k) ii[static_cast<size_t>(perm[k])] = oi[k];
        CHECK(std::memcmp(static_cast<const char*>(out.raw_data()) + o * dtype_size(dt),
                          static_cast<const char*>(x.raw_data()) + ravel(ii, in) * dtype_size(dt), dtype_size(dt)) == 0);
      }
    }
  } while (std::next_permutation(perm.begin(), perm.end()));
  OpTester def("Transpose", 13);
  def.input(iota<float>({2, 3, 4}));
  REQUIRE(def.run().ok());
  CHECK(def.output().shape() == Shape{4, 3, 2});
  OpTester bad("Transpose", 13);
  bad.attr("perm", std::vector<int64_t>{0, 0, 1}).input(iota<float>({2, 3, 4}));
  CHECK_FALSE(bad.infer().ok());
}

// Python's slice.indices(): the independent reference for Slice's clamping rules, with the one
// difference the ONNX spec (and ONNX Runtime) makes: a start before the first element clamps to 0 for
// negative steps too, where Python would give an empty slice.
std::vector<int64_t> python_slice(int64_t start, int64_t stop, int64_t step, int64_t len) {
  auto adjust = [&](int64_t v, bool is_start) {
    if (v < 0) {
      v += len;
      if (v < 0) v = step < 0 && !is_start ? -1 : 0;
    } else if (v >= len) {
      v = step < 0 ? len - 1 : len;
    }
    return v;
  };
  start = adjust(start, true);
  stop = adjust(stop, false);
  std::vector<int64_t> out;
  for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) out.push_back(i);
  return out;
}

TEST_CASE("Slice agrees with Python slicing on generated starts, ends, axes and steps") {
  const Shape in{5, 4, 6};
  const Tensor x = iota<float>(in);
  Lcg rng;
  const int64_t big = std::numeric_limits<int64_t>::max();
  for (int iter = 0; iter < 300; ++iter) {
    std::vector<int64_t> starts, ends, axes, steps;
    std::vector<std::vector<int64_t>> picks(3);
    for (int64_t a = 0; a < 3; ++a) picks[static_cast<size_t>(a)] = python_slice(0, in[static_cast<size_t>(a)], 1, in[static_cast<size_t>(a)]);
    for (int64_t a = 0; a < 3; ++a) {
      if (rng.next(0, 2) == 0) continue;
      int64_t s = rng.next(-8, 8), e = rng.next(-8, 8), st = rng.next(-3, 3);
      if (st == 0) st = 1;
      if (rng.next(0, 5) == 0) e = st > 0 ? big : -big;
      axes.push_back(rng.next(0, 1) ? a : a - 3);
      starts.push_back(s);
      ends.push_back(e);
      steps.push_back(st);
      picks[static_cast<size_t>(a)] = python_slice(s, e, st, in[static_cast<size_t>(a)]);
    }
    OpTester t("Slice", 13);
    t.input(x).input(i64(starts)).input(i64(ends)).input(i64(axes)).input(i64(steps));
    const Status st = t.run();
    REQUIRE_MESSAGE(st.ok(), st.to_string());
    const Shape expect_shape{static_cast<int64_t>(picks[0].size()), static_cast<int64_t>(picks[1].size()),
                             static_cast<int64_t>(picks[2].size())};
    const std::string where = "starts " + shape_to_string(starts) + " ends " + shape_to_string(ends) + " axes " +
                              shape_to_string(axes) + " steps " + shape_to_string(steps) + " got " +
                              shape_to_string(t.output().shape());
    REQUIRE_MESSAGE(t.output().shape() == expect_shape, where);
    std::vector<float> expect;
    for (int64_t i : picks[0])
      for (int64_t j : picks[1])
        for (int64_t k : picks[2]) expect.push_back(static_cast<float>(ravel({i, j, k}, in)));
    CHECK(t.values<float>() == expect);
  }
}

TEST_CASE("Slice-1 reads attributes; a zero step is rejected") {
  OpTester t("Slice", 9);
  t.attr("starts", std::vector<int64_t>{1}).attr("ends", std::vector<int64_t>{1000}).attr("axes", std::vector<int64_t>{1});
  t.input(iota<float>({2, 3}));
  REQUIRE(t.run().ok());
  CHECK(t.values<float>() == std::vector<float>{1, 2, 4, 5});
  OpTester zero("Slice", 13);
  zero.input(iota<float>({4})).input(i64({0})).input(i64({4})).input(i64({0})).input(i64({0}));
  CHECK_FALSE(zero.infer().ok());
}

TEST_CASE("Concat then Split round-trips along each axis") {
  const Tensor a = iota<float>({2, 3, 4}), b = iota<float>({2, 3, 4}, 100.0f);
  for (int64_t axis = -3; axis < 3; ++axis) {
    OpTester c("Concat", 13);
    c.attr("axis", axis).input(a).input(b);
    REQUIRE(c.run().ok());
    const size_t ax = static_cast<size_t>(axis < 0 ? axis + 3 : axis);
    const Tensor& cat = c.output();
    for (int64_t o = 0; o < cat.num_elements(); ++o) {
      std::vector<int64_t> idx = unravel(o, cat.shape());
      const bool second = idx[ax] >= a.shape()[ax];
      if (second) idx[ax] -= a.shape()[ax];
      CHECK(cat.data<float>()[o] == (second ? b : a).data<float>()[ravel(idx, a.shape())]);
    }
    OpTester s("Split", 13, 2);
    s.attr("axis", axis).input(cat);
    REQUIRE(s.run().ok());
    CHECK(s.values<float>(0) == values_of<float>(a));
    CHECK(s.values<float>(1) == values_of<float>(b));
  }
}

TEST_CASE("Split sizes come from the attribute (<13), the input (>=13) or an even split") {
  OpTester attr("Split", 11, 2);
  attr.attr("split", std::vector<int64_t>{1, 3}).input(iota<float>({4}));
  REQUIRE(attr.run().ok());
  CHECK(attr.values<float>(0) == std::vector<float>{0});
  CHECK(attr.values<float>(1) == std::vector<float>{1, 2, 3});

  OpTester input("Split", 13, 3);
  input.attr("axis", int64_t{1}).input(iota<float>({2, 4})).input(i64({2, 0, 2}));
  REQUIRE(input.run().ok());
  CHECK(input.values<float>(0) == std::vector<float>{0, 1, 4, 5});
  CHECK(input.output(1).shape() == Shape{2, 0});
  CHECK(input.values<float>(2) == std::vector<float>{2, 3, 6, 7});

  OpTester uneven("Split", 13, 3);
  uneven.input(iota<float>({4}));
  CHECK_FALSE(uneven.infer().ok());
  OpTester ragged("Split", 18, 3);
  ragged.attr("num_outputs", int64_t{3}).input(iota<float>({7}));
  REQUIRE(ragged.run().ok());
  CHECK(ragged.output(2).shape() == Shape{1});
  OpTester bad_sum("Split", 13, 2);
  bad_sum.input(iota<float>({4})).input(i64({1, 2}));
  CHECK_FALSE(bad_sum.infer().ok());
}

TEST_CASE("Tile repeats the input along every axis") {
  const Tensor x = iota<int32_t>({2, 3});
  OpTester t("Tile", 13);
  t.input(x).input(i64({3, 2}));
  REQUIRE(t.run().ok());
  REQUIRE(t.output().shape() == Shape{6, 6});
  for (int64_t o = 0; o < 36; ++o) {
    const std::vector<int64_t> idx = unravel(o, {6, 6});
    CHECK(t.output().data<int32_t>()[o] == x.data<int32_t>()[ravel({idx[0] % 2, idx[1] % 3}, x.shape())]);
  }
  OpTester zero("Tile", 13);
  zero.input(x).input(i64({0, 2}));
  REQUIRE(zero.run().ok());
  CHECK(zero.output().shape() == Shape{0, 6});
}

TEST_CASE("DepthToSpace (DCR, CRD) and SpaceToDepth follow the spec's index formulas") {
  const int64_t b = 2, n = 2, c = 3, h = 2, w = 3;
  const Tensor x = iota<float>({n, c * b * b, h, w});
  for (const std::string mode : {"DCR", "CRD"}) {
    OpTester t("DepthToSpace", 13);
    t.attr("blocksize", b).attr("mode", mode).input(x);
    REQUIRE(t.run().ok());
    REQUIRE(t.output().shape() == Shape{n, c, h * b, w * b});
    for (int64_t o = 0; o < t.output().num_elements(); ++o) {
      const std::vector<int64_t> i = unravel(o, t.output().shape());
      const int64_t bh = i[2] % b, bw = i[3] % b;
      const int64_t ch = mode == "DCR" ? (bh * b + bw) * c + i[1] : i[1] * b * b + bh * b + bw;
      CHECK(t.output().data<float>()[o] == x.data<float>()[ravel({i[0], ch, i[2] / b, i[3] / b}, x.shape())]);
    }
  }
  const Tensor y = iota<float>({n, c, h * b, w * b});
  OpTester s("SpaceToDepth", 13);
  s.attr("blocksize", b).input(y);
  REQUIRE(s.run().ok());
  REQUIRE(s.output().shape() == Shape{n, c * b * b, h, w});
  for (int64_t o = 0; o < s.output().num_elements(); ++o) {
    const std::vector<int64_t> i = unravel(o, s.output().shape());
    const int64_t blk = i[1] / c, ch = i[1] % c;
    CHECK(s.output().data<float>()[o] == y.data<float>()[ravel({i[0], ch, i[2] * b + blk / b, i[3] * b + blk % b}, y.shape())]);
  }
  OpTester bad("DepthToSpace", 13);
  bad.attr("blocksize", int64_t{3}).input(x);
  CHECK_FALSE(bad.infer().ok());
}

TEST_CASE("Trilu keeps the upper or lower triangle shifted by k") {
  const Tensor x = iota<float>({2, 3, 4}, 1.0f);
  for (int64_t upper = 0; upper <= 1; ++upper) {
    for (int64_t k = -4; k <= 5; ++k) {
      OpTester t("Trilu", 14);
      t.attr("upper", upper).input(x).input(Tensor::scalar<int64_t>(k));
      REQUIRE(t.run().ok());
      for (int64_t o = 0; o < 24; ++o) {
        const std::vector<int64_t> i = unravel(o, x.shape());
        const bool keep = upper ? i[2] - i[1] >= k : i[2] - i[1] <= k;
        CHECK(t.output().data<float>()[o] == (keep ? x.data<float>()[o] : 0.0f));
      }
    }
  }
}

}  // namespace
}  // namespace edgerun::testing
