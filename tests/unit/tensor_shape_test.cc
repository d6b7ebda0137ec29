#include <doctest/doctest.h>

#include "tests/unit/tensor_op_tester.h"

namespace edgerun::testing {
namespace {

TEST_CASE("Reshape copies zeros, infers -1 and honours allowzero") {
  struct Case {
    Shape in;
    std::vector<int64_t> target;
    int64_t allowzero;
    Shape expect;
  };
  for (const Case& c : std::vector<Case>{{{2, 3, 4}, {0, -1}, 0, {2, 12}},
                                         {{2, 3, 4}, {-1, 0, 2}, 0, {4, 3, 2}},
                                         {{2, 3, 4}, {4, 0, 2}, 0, {4, 3, 2}},
                                         {{0, 3}, {3, 0}, 1, {3, 0}},
                                         {{0, 3}, {0, 3}, 0, {0, 3}}}) {
    OpTester t("Reshape", 14);
    t.attr("allowzero", c.allowzero).input(iota<float>(c.in)).input(i64(c.target));
    const Status st = t.run();
    REQUIRE_MESSAGE(st.ok(), st.to_string());
    CHECK(t.output().shape() == c.expect);
    CHECK(t.values<float>() == values_of<float>(iota<float>(c.in)));
  }
}

TEST_CASE("Reshape rejects bad targets") {
  for (const std::vector<int64_t>& target : std::vector<std::vector<int64_t>>{{-1, -1}, {5, -1}, {7}, {-2, 12}, {0, 0, 0, 0}}) {
    OpTester t("Reshape", 14);
    t.input(iota<float>({2, 3, 4})).input(i64(target));
    CHECK_FALSE(t.infer().ok());
  }
  OpTester t("Reshape", 14);
  t.attr("allowzero", 1).input(iota<float>({0, 3})).input(i64({0, -1}));
  CHECK_FALSE(t.infer().ok());
}

TEST_CASE("Reshape of an unknown shape value asks for the value") {
  OpTester t("Reshape", 13);
  t.input(iota<float>({2, 3})).input(i64({3, 2}), /*known=*/false);
  Status st = t.infer();
  CHECK(st.code() == StatusCode::kNeedsValue);
  CHECK(t.run().ok());
}

TEST_CASE("Flatten splits dims at the axis, negative axes included") {
  const Shape in{2, 3, 4, 5};
  for (int64_t axis = -4; axis <= 4; ++axis) {
    OpTester t("Flatten", 13);
    t.attr("axis", axis).input(iota<float>(in));
    REQUIRE(t.run().ok());
    const int64_t a = axis < 0 ? axis + 4 : axis;
    int64_t head = 1;
    for (int64_t k = 0; k < a; ++k) head *= in[static_cast<size_t>(k)];
    CHECK(t.output().shape() == Shape{head, 120 / head});
  }
  OpTester bad("Flatten", 13);
  bad.attr("axis", int64_t{5}).input(iota<float>(in));
  CHECK_FALSE(bad.infer().ok());
}

TEST_CASE("Squeeze and Unsqueeze take axes as attribute before opset 13 and as input from 13") {
  OpTester s11("Squeeze", 11);
  s11.attr("axes", std::vector<int64_t>{0, -1}).input(iota<float>({1, 3, 1, 1}));
  REQUIRE(s11.run().ok());
  CHECK(s11.output().shape() == Shape{3, 1});

  OpTester s13("Squeeze", 13);
  s13.input(iota<float>({1, 3, 1})).input(i64({2}));
  REQUIRE(s13.run().ok());
  CHECK(s13.output().shape() == Shape{1, 3});

  OpTester all("Squeeze", 13);
  all.input(iota<float>({1, 3, 1}));
  REQUIRE(all.run().ok());
  CHECK(all.output().shape() == Shape{3});

  OpTester empty("Squeeze", 13);
  empty.input(iota<float>({1, 3, 1})).input(i64({}));
  REQUIRE(empty.run().ok());
  CHECK(empty.output().shape() == Shape{3});

  OpTester bad("Squeeze", 13);
  bad.input(iota<float>({1, 3})).input(i64({1}));
  CHECK_FALSE(bad.infer().ok());

  OpTester u11("Unsqueeze", 11);
  u11.attr("axes", std::vector<int64_t>{0, 3}).input(iota<float>({2, 3}));
  REQUIRE(u11.run().ok());
  CHECK(u11.output().shape() == Shape{1, 2, 3, 1});

  OpTester u13("Unsqueeze", 13);
  u13.input(iota<float>({2, 3})).input(i64({-1, 1}));
  REQUIRE(u13.run().ok());
  CHECK(u13.output().shape() == Shape{2, 1, 3, 1});
  CHECK(u13.values<float>() == std::vector<float>{0, 1, 2, 3, 4, 5});

  OpTester dup("Unsqueeze", 13);
  dup.input(iota<float>({2})).input(i64({0, -3}));
  CHECK_FALSE(dup.infer().ok());
}

TEST_CASE("Shape reports the dims in [start, end) with clamping") {
  const Shape in{2, 3, 4, 5};
  struct Case {
    int64_t start, end;
    std::vector<int64_t> expect;
  };
  for (const Case& c : std::vector<Case>{{0, 4, {2, 3, 4, 5}}, {1, 3, {3, 4}}, {-1, 10, {5}}, {-10, -2, {2, 3}}, {3, 1, {}}}) {
    OpTester t("Shape", 15);
    t.attr("start", c.start).attr("end", c.end).input(iota<float>(in));
    REQUIRE(t.run().ok());
    CHECK(t.values<int64_t>() == c.expect);
  }
  OpTester size("Size");
  size.input(iota<float>(in));
  REQUIRE(size.run().ok());
  CHECK(size.output().shape().empty());
  CHECK(size.values<int64_t>() == std::vector<int64_t>{120});
}

TEST_CASE("Constant builds each value attribute kind and refuses sparse and string values") {
  OpTester f("Constant", 13);
  f.attr_fs("value_floats", {1.5f, 2.5f});
  REQUIRE(f.run().ok());
  CHECK(f.type(0) == DType::kF32);
  CHECK(f.values<float>() == std::vector<float>{1.5f, 2.5f});

  OpTester i("Constant", 13);
  i.attr("value_int", int64_t{7});
  REQUIRE(i.run().ok());
  CHECK(i.output().shape().empty());
  CHECK(i.values<int64_t>() == std::vector<int64_t>{7});

  OpTester t("Constant", 13);
  Attribute a;
  a.kind = Attribute::Kind::kTensor;
  a.t = Tensor::from_vector<int32_t>({2, 2}, {1, 2, 3, 4});
  t.attrs().set("value", a);
  REQUIRE(t.run().ok());
  CHECK(t.output().shape() == Shape{2, 2});
  CHECK(t.values<int32_t>() == std::vector<int32_t>{1, 2, 3, 4});

  OpTester sparse("Constant", 13);
  sparse.attrs().set("sparse_value", a);
  CHECK(sparse.infer().code() == StatusCode::kUnsupported);
  OpTester str("Constant", 13);
  str.attr("value_string", std::string("x"));
  CHECK(str.infer().code() == StatusCode::kUnsupported);
  OpTester two("Constant", 13);
  two.attr("value_int", int64_t{1}).attr_f("value_float", 1.0f);
  CHECK_FALSE(two.infer().ok());
}

TEST_CASE("ConstantOfShape fills with the value's type") {
  OpTester t("ConstantOfShape", 9);
  Attribute a;
  a.kind = Attribute::Kind::kTensor;
  a.t = Tensor::from_vector<int32_t>({1}, {3});
  t.attrs().set("value", a);
  t.input(i64({2, 3}));
  REQUIRE(t.run().ok());
  CHECK(t.type(0) == DType::kI32);
  CHECK(t.values<int32_t>() == std::vector<int32_t>(6, 3));

  OpTester def("ConstantOfShape", 9);
  def.input(i64({}));
  REQUIRE(def.run().ok());
  CHECK(def.output().shape().empty());
  CHECK(def.values<float>() == std::vector<float>{0.0f});
}

TEST_CASE("Range matches start + i * delta for ints and floats") {
  struct Case {
    double start, limit, delta;
  };
  for (const Case& c : std::vector<Case>{{0, 10, 3}, {10, 4, -2}, {1, 1, 1}, {5, 1, 1}, {-3, 3, 2}}) {
    OpTester t("Range", 11);
    t.input(Tensor::scalar<int32_t>(static_cast<int32_t>(c.start)))
        .input(Tensor::scalar<int32_t>(static_cast<int32_t>(c.limit)))
        .input(Tensor::scalar<int32_t>(static_cast<int32_t>(c.delta)));
    REQUIRE(t.run().ok());
    std::vector<int32_t> expect;
    for (double v = c.start; c.delta > 0 ? v < c.limit : v > c.limit; v += c.delta) expect.push_back(static_cast<int32_t>(v));
    CHECK(t.values<int32_t>() == expect);
  }
  OpTester f("Range", 11);
  f.input(Tensor::scalar<float>(1.0f)).input(Tensor::scalar<float>(2.0f)).input(Tensor::scalar<float>(0.25f));
  REQUIRE(f.run().ok());
  CHECK(f.values<float>() == std::vector<float>{1.0f, 1.25f, 1.5f, 1.75f});
  OpTester zero("Range", 11);
  zero.input(Tensor::scalar<int64_t>(0)).input(Tensor::scalar<int64_t>(3)).input(Tensor::scalar<int64_t>(0));
  CHECK_FALSE(zero.infer().ok());
}

TEST_CASE("Expand broadcasts against the shape input") {
  OpTester t("Expand", 13);
  t.input(iota<float>({3, 1})).input(i64({2, 1, 4}));
  REQUIRE(t.run().ok());
  REQUIRE(t.output().shape() == Shape{2, 3, 4});
  const std::vector<float> v = t.values<float>();
  for (size_t i = 0; i < v.size(); ++i) CHECK(v[i] == static_cast<float>(unravel(static_cast<int64_t>(i), {2, 3, 4})[1]));
  OpTester bad("Expand", 13);
  bad.input(iota<float>({3})).input(i64({2}));
  CHECK_FALSE(bad.infer().ok());
}

}  // namespace
}  // namespace edgerun::testing
