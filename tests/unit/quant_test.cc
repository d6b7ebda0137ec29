// Quantization ops: ONNX rounding and saturation, and the integer ops exact against direct loops.
#include <doctest/doctest.h>

#include <cmath>

#include "tests/unit/op_runner.h"

namespace edgerun {
namespace {

using testing::random_ints;
using testing::values_of;

TEST_CASE("QuantizeLinear rounds half to even and saturates") {
  const Tensor x = Tensor::from_vector<float>({9}, {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 1000.f, -1000.f, 0.24f});
  auto u8 = testing::run_op(testing::make_node(OpType::kQuantizeLinear, 3, 1, 13),
                            {x, Tensor::scalar<float>(0.5f), Tensor::scalar<uint8_t>(10)});
  REQUIRE(u8.ok());
  // x / 0.5 = 1, 3, 5, -1, -3, -5, 2000, -2000, 0.48 -> +10, clamp [0, 255].
  CHECK(values_of<uint8_t>(u8.value()[0]) == std::vector<uint8_t>{11, 13, 15, 9, 7, 5, 255, 0, 10});
  auto i8 = testing::run_op(testing::make_node(OpType::kQuantizeLinear, 3, 1, 13),
                            {x, Tensor::scalar<float>(1.0f), Tensor::scalar<int8_t>(-1)});
  REQUIRE(i8.ok());
  // round half even: 0, 2, 2, -0, -2, -2 then -1, clamp [-128, 127].
  CHECK(values_of<int8_t>(i8.value()[0]) == std::vector<int8_t>{-1, 1, 1, -1, -3, -3, 127, -128, -1});
  auto no_zp = testing::run_op(testing::make_node(OpType::kQuantizeLinear, 2, 1, 13), {x, Tensor::scalar<float>(1.0f)});
  REQUIRE(no_zp.ok());
  CHECK(no_zp.value()[0].dtype() == DType::kU8);
}

TEST_CASE("QuantizeLinear and DequantizeLinear per axis") {
  Node q = testing::make_node(OpType::kQuantizeLinear, 3, 1, 13);
  q.attrs.set_int("axis", 1);
  const Tensor x = Tensor::from_vector<float>({2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  const Tensor scale = Tensor::from_vector<float>({2}, {1.0f, 2.0f});
  const Tensor zp = Tensor::from_vector<int8_t>({2}, {0, 10});
  auto y = testing::run_op(q, {x, scale, zp});
  REQUIRE(y.ok());
  // Channel 1 (values 3, 4, 7, 8) is divided by 2 (1.5 and 3.5 round to even) and shifted by 10.
  CHECK(values_of<int8_t>(y.value()[0]) == std::vector<int8_t>{1, 2, 12, 12, 5, 6, 14, 14});
  Node dq = testing::make_node(OpType::kDequantizeLinear, 3, 1, 13);
  dq.attrs.set_int("axis", 1);
  auto back = testing::run_op(dq, {y.value()[0], scale, zp});
  REQUIRE(back.ok());
  CHECK(values_of<float>(back.value()[0]) == std::vector<float>{1, 2, 4, 4, 5, 6, 8, 8});
}

TEST_CASE("DynamicQuantizeLinear maps [min(x,0), max(x,0)] onto u8") {
  const std::vector<float> x = {-1.0f, 0.0f, 2.0f, 3.0f, 0.7f};
  auto y = testing::run_op(testing::make_node(OpType::kDynamicQuantizeLinear, 1, 3), {Tensor::from_vector<float>({5}, x)});
  REQUIRE(y.ok());
  const float scale = 4.0f / 255.0f;
  const float zp = std::nearbyint(1.0f / scale);
  CHECK(y.value()[1].data<float>()[0] == scale);
  CHECK(y.value()[2].data<uint8_t>()[0] == static_cast<uint8_t>(zp));
  for (size_t i = 0; i < x.size(); ++i) {
    CHECK(y.value()[0].data<uint8_t>()[i] == static_cast<uint8_t>(std::nearbyint(x[i] / scale) + zp));
  }
  auto zeros = testing::run_op(testing::make_node(OpType::kDynamicQuantizeLinear, 1, 3),
                               {Tensor::from_vector<float>({2}, {0.0f, 0.0f})});
  REQUIRE(zeros.ok());
  CHECK(values_of<uint8_t>(zeros.value()[0]) == std::vector<uint8_t>{0, 0});
}

// 2-D integer convolution by definition: padding contributes nothing.
std::vector<int32_t> direct_conv_integer(const std::vector<uint8_t>& x, int32_t x_zp, const std::vector<int8_t>& w,
                                         const std::vector<int32_t>& w_zp, int64_t c, int64_t h, int64_t wd, int64_t m,
                                         int64_t k, int64_t pad, int64_t stride) {
  const int64_t oh = (h + 2 * pad - k) / stride + 1, ow = (wd + 2 * pad - k) / stride + 1;
  std::vector<int32_t> y;
  for (int64_t oc = 0; oc < m; ++oc)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        int32_t s = 0;
        for (int64_t ic = 0; ic < c; ++ic)
          for (int64_t a = 0; a < k; ++a)
            for (int64_t b = 0; b < k; ++b) {
              const int64_t yy = i * stride - pad + a, xx = j * stride - pad + b;
              if (yy < 0 || yy >= h || xx < 0 || xx >= wd) continue;
              s += (x[static_cast<size_t>((ic * h + yy) * wd + xx)] - x_zp) *
                   (w[static_cast<size_t>(((oc * c + ic) * k + a) * k + b)] - w_zp[static_cast<size_t>(oc)]);
            }
        y.push_back(s);
      }
  return y;
}

TEST_CASE("ConvInteger and QLinearConv are exact against the integer definition") {
  const int64_t c = 3, h = 6, wd = 7, m = 4, k = 3;
  const auto x = random_ints<uint8_t>(static_cast<size_t>(c * h * wd), 1, 0, 255);
  const auto w = random_ints<int8_t>(static_cast<size_t>(m * c * k * k), 2, -128, 127);
  const std::vector<int8_t> w_zp = {0, 3, -5, 127};
  Node node = testing::make_node(OpType::kConvInteger, 4, 1, 10);
  node.attrs.set_ints("pads", {1, 1, 1, 1});
  node.attrs.set_ints("strides", {2, 2});
  auto y = testing::run_op(node, {Tensor::from_vector<uint8_t>({1, c, h, wd}, x), Tensor::from_vector<int8_t>({m, c, k, k}, w),
                                  Tensor::scalar<uint8_t>(131), Tensor::from_vector<int8_t>({m}, w_zp)});
  REQUIRE(y.ok());
  const std::vector<int32_t> want = direct_conv_integer(x, 131, w, {0, 3, -5, 127}, c, h, wd, m, k, 1, 2);
  CHECK(values_of<int32_t>(y.value()[0]) == want);

  // QLinearConv: requantize (acc + bias) * x_scale * w_scale[m] / y_scale, round half even, + y_zp, saturate.
  Node q = testing::make_node(OpType::kQLinearConv, 9, 1, 10);
  q.attrs = node.attrs;
  const std::vector<float> w_scale = {0.01f, 0.02f, 0.005f, 0.03f};
  const std::vector<int32_t> bias = {100, -200, 0, 5000};
  auto qy = testing::run_op(q, {Tensor::from_vector<uint8_t>({1, c, h, wd}, x), Tensor::scalar<float>(0.05f),
                                Tensor::scalar<uint8_t>(131), Tensor::from_vector<int8_t>({m, c, k, k}, w),
                                Tensor::from_vector<float>({m}, w_scale), Tensor::from_vector<int8_t>({m}, w_zp),
                                Tensor::scalar<float>(0.7f), Tensor::scalar<int8_t>(-3), Tensor::from_vector<int32_t>({m}, bias)});
  REQUIRE(qy.ok());
  REQUIRE(qy.value()[0].dtype() == DType::kI8);
  const int64_t plane = static_cast<int64_t>(want.size()) / m;
  for (int64_t i = 0; i < static_cast<int64_t>(want.size()); ++i) {
    const int64_t oc = i / plane;
    const float mult = 0.05f * w_scale[static_cast<size_t>(oc)] / 0.7f;
    const float v = std::nearbyint(static_cast<float>(want[static_cast<size_t>(i)] + bias[static_cast<size_t>(oc)]) * mult) - 3.0f;
    CHECK(int(qy.value()[0].data<int8_t>()[i]) == int(std::min(127.0f, std::max(-128.0f, v))));
  }
}

TEST_CASE("MatMulInteger and QLinearMatMul: per-row / per-column zero points, broadcast batches") {
  const int64_t b = 2, m = 3, k = 70, n = 5;
  const auto a = random_ints<int8_t>(static_cast<size_t>(b * m * k), 3, -128, 127);
  const auto w = random_ints<uint8_t>(static_cast<size_t>(k * n), 4, 0, 255);
  const std::vector<int8_t> a_zp = {1, -2, 3};
  const std::vector<uint8_t> b_zp = {0, 10, 128, 255, 7};
  auto y = testing::run_op(testing::make_node(OpType::kMatMulInteger, 4, 1, 10),
                           {Tensor::from_vector<int8_t>({b, m, k}, a), Tensor::from_vector<uint8_t>({k, n}, w),
                            Tensor::from_vector<int8_t>({m}, a_zp), Tensor::from_vector<uint8_t>({n}, b_zp)});
  REQUIRE(y.ok());
  CHECK(y.value()[0].shape() == Shape{b, m, n});
  std::vector<int32_t> want;
  for (int64_t bi = 0; bi < b; ++bi)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        int32_t s = 0;
        for (int64_t q = 0; q < k; ++q) {
          s += (a[static_cast<size_t>((bi * m + i) * k + q)] - a_zp[static_cast<size_t>(i)]) *
               (w[static_cast<size_t>(q * n + j)] - b_zp[static_cast<size_t>(j)]);
        }
        want.push_back(s);
      }
  CHECK(values_of<int32_t>(y.value()[0]) == want);

  auto qy = testing::run_op(testing::make_node(OpType::kQLinearMatMul, 8, 1, 10),
                            {Tensor::from_vector<int8_t>({b, m, k}, a), Tensor::scalar<float>(0.02f),
                             Tensor::from_vector<int8_t>({m}, a_zp), Tensor::from_vector<uint8_t>({k, n}, w),
                             Tensor::scalar<float>(0.01f), Tensor::from_vector<uint8_t>({n}, b_zp),
                             Tensor::scalar<float>(0.5f), Tensor::scalar<uint8_t>(128)});
  REQUIRE(qy.ok());
  const float mult = 0.02f * 0.01f / 0.5f;
  for (size_t i = 0; i < want.size(); ++i) {
    const float v = std::nearbyint(static_cast<float>(want[i]) * mult) + 128.0f;
    CHECK(int(qy.value()[0].data<uint8_t>()[i]) == int(std::min(255.0f, std::max(0.0f, v))));
  }
}

}  // namespace
}  // namespace edgerun
