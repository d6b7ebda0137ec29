#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "tests/unit/tensor_op_tester.h"

namespace edgerun::testing {
namespace {

// numpy.pad's index rule per mode for a non-negative pad: the source index of padded position j - before.
int64_t numpy_pad_source(const std::string& mode, int64_t j, int64_t n) {
  if (j >= 0 && j < n) return j;
  if (mode == "constant") return -1;
  if (mode == "edge") return j < 0 ? 0 : n - 1;
  if (mode == "wrap") return ((j % n) + n) % n;
  if (n == 1) return 0;
  while (j < 0 || j >= n) j = j < 0 ? -j : 2 * (n - 1) - j;  // reflect, bouncing off both ends
  return j;
}

TEST_CASE("Pad follows numpy.pad for constant, edge, reflect and wrap, pads as attribute or input") {
  const Shape in{3, 4};
  const Tensor x = iota<float>(in, 1.0f);
  const std::vector<int64_t> pads{2, 1, 5, 6};  // begin dims 0, 1; end dims 0, 1
  for (const std::string mode : {"constant", "edge", "reflect", "wrap"}) {
    for (int opset : {2, 13}) {
      OpTester t("Pad", opset);
      t.attr("mode", mode).input(x);
      if (opset < 11) {
        t.attr("pads", pads).attr_f("value", 9.0f);
      } else {
        t.input(i64(pads)).input(Tensor::scalar<float>(9.0f));
      }
      REQUIRE(t.run().ok());
      const Shape out{3 + 2 + 5, 4 + 1 + 6};
      REQUIRE(t.output().shape() == out);
      for (int64_t o = 0; o < num_elements(out); ++o) {
        const std::vector<int64_t> i = unravel(o, out);
        const int64_t r = numpy_pad_source(mode, i[0] - 2, 3), c = numpy_pad_source(mode, i[1] - 1, 4);
        const float expect = r < 0 || c < 0 ? 9.0f : x.data<float>()[ravel({r, c}, in)];
        CHECK(t.output().data<float>()[o] == expect);
      }
    }
  }
}

TEST_CASE("Pad with negative pads crops, then pads from the cropped edge; axes select dims") {
  const Tensor x = iota<int32_t>({2, 5});
  OpTester crop("Pad", 13);
  crop.input(x).input(i64({0, -2, 0, 1}));
  REQUIRE(crop.run().ok());
  CHECK(crop.values<int32_t>() == std::vector<int32_t>{2, 3, 4, 0, 7, 8, 9, 0});

  OpTester edge("Pad", 13);
  edge.attr("mode", std::string("edge")).input(x).input(i64({0, 1, 0, -3}));
  REQUIRE(edge.run().ok());
  CHECK(edge.values<int32_t>() == std::vector<int32_t>{0, 0, 1, 5, 5, 6});

  OpTester axes("Pad", 18);
  axes.input(x).input(i64({1, 1})).absent().input(i64({-1}));
  REQUIRE(axes.run().ok());
  CHECK(axes.output().shape() == Shape{2, 7});

  OpTester bad("Pad", 13);
  bad.input(x).input(i64({0, -3, 0, -3}));
  CHECK_FALSE(bad.infer().ok());
}

// Builds a Resize-13 node on x with the given attributes and scales or sizes.
OpTester resize(const Tensor& x, const std::string& mode, const std::string& coord, const std::vector<float>& scales,
                const std::vector<int64_t>& sizes = {}) {
  OpTester t("Resize", 13);
  t.attr("mode", mode).attr("coordinate_transformation_mode", coord).input(x).absent();
  if (sizes.empty()) {
    t.input(Tensor::from_vector<float>({static_cast<int64_t>(scales.size())}, scales));
  } else {
    t.absent().input(i64(sizes));
  }
  return t;
}

// The spec's source coordinate (opset 13) for the coordinate modes, written out directly.
double spec_coord(const std::string& coord, int64_t x, int64_t in, int64_t out, double scale) {
  if (coord == "asymmetric") return x / scale;
  if (coord == "align_corners") return out == 1 ? 0 : x * (in - 1.0) / (out - 1.0);
  if (coord == "pytorch_half_pixel") return out > 1 ? (x + 0.5) / scale - 0.5 : -0.5;
  return (x + 0.5) / scale - 0.5;  // half_pixel
}

TEST_CASE("Resize nearest: every nearest_mode and coordinate mode against the spec formulas") {
  const Tensor x = iota<float>({1, 7});
  for (const std::string coord : {"half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel"}) {
    for (const std::string nm : {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"}) {
      for (int64_t out : {3, 5, 7, 10, 14, 17}) {
        OpTester t = resize(x, "nearest", coord, {}, {1, out});
        t.attr("nearest_mode", nm);
        REQUIRE(t.run().ok());
        const double scale = static_cast<double>(out) / 7;
        for (int64_t j = 0; j < out; ++j) {
          const double c = spec_coord(coord, j, 7, out, scale);
          double r = nm == "floor" ? std::floor(c) : nm == "ceil" ? std::ceil(c) : std::round(c);
          if (c - std::floor(c) == 0.5 && nm.rfind("round", 0) == 0) {
            r = nm == "round_prefer_floor" ? std::floor(c) : std::ceil(c);
          }
          const float expect = static_cast<float>(std::min(6.0, std::max(0.0, r)));
          CHECK_MESSAGE(t.output().data<float>()[j] == expect, coord << " " << nm << " out " << out << " j " << j);
        }
      }
    }
  }
}

TEST_CASE("Resize linear and cubic match direct bilinear / bicubic evaluation") {
  const Shape in{1, 1, 4, 5};
  std::vector<float> v(20);
  for (size_t i = 0; i < v.size(); ++i) v[i] = std::sin(static_cast<float>(i) * 0.7f) * 3;
  const Tensor x = Tensor::from_vector<float>(in, v);
  const double a = -0.5;
  auto cubic = [a](double r) {  // the four Keys coefficients for taps at -1, 0, 1, 2 (ONNX's formulas)
    return std::vector<double>{((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
                               ((a + 2) * r - (a + 3)) * r * r + 1, ((a + 2) * (1 - r) - (a + 3)) * (1 - r) * (1 - r) + 1,
                               ((a * (2 - r) - 5 * a) * (2 - r) + 8 * a) * (2 - r) - 4 * a};
  };
  for (const std::string mode : {"linear", "cubic"}) {
    for (const std::string coord : {"half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel"}) {
      for (const std::vector<int64_t>& out : std::vector<std::vector<int64_t>>{{7, 9}, {3, 2}, {4, 11}, {1, 1}}) {
        OpTester t = resize(x, mode, coord, {}, {1, 1, out[0], out[1]});
        t.attr_f("cubic_coeff_a", static_cast<float>(a));
        REQUIRE(t.run().ok());
        for (int64_t yo = 0; yo < out[0]; ++yo) {
          for (int64_t xo = 0; xo < out[1]; ++xo) {
            const double cy = spec_coord(coord, yo, 4, out[0], out[0] / 4.0);
            const double cx = spec_coord(coord, xo, 5, out[1], out[1] / 5.0);
            const int64_t y0 = static_cast<int64_t>(std::floor(cy)), x0 = static_cast<int64_t>(std::floor(cx));
            const double ry = cy - y0, rx = cx - x0;
            const std::vector<double> wy = mode == "linear" ? std::vector<double>{1 - ry, ry} : cubic(ry);
            const std::vector<double> wx = mode == "linear" ? std::vector<double>{1 - rx, rx} : cubic(rx);
            const int64_t off = mode == "linear" ? 0 : -1;
            double expect = 0;
            for (size_t i = 0; i < wy.size(); ++i) {
              for (size_t j = 0; j < wx.size(); ++j) {
                const int64_t yy = std::clamp<int64_t>(y0 + off + static_cast<int64_t>(i), 0, 3);
                const int64_t xx = std::clamp<int64_t>(x0 + off + static_cast<int64_t>(j), 0, 4);
                expect += wy[i] * wx[j] * v[static_cast<size_t>(yy * 5 + xx)];
              }
            }
            CHECK(t.output().data<float>()[yo * out[1] + xo] == doctest::Approx(expect).epsilon(1e-5));
          }
        }
      }
    }
  }
}

TEST_CASE("Resize scales truncate the output size; sizes with keep_aspect_ratio_policy round half up") {
  OpTester s = resize(iota<float>({1, 1, 3, 5}), "nearest", "asymmetric", {1, 1, 0.6f, 1.5f});
  REQUIRE(s.infer().ok());
  CHECK(s.shape(0) == Shape{1, 1, 1, 7});

  // The policy scales every resized axis alike: here the given axes 2 and 3 (opset 18).
  OpTester k = resize(iota<float>({1, 1, 2, 4}), "linear", "half_pixel", {}, {3, 3});
  k.attr("axes", std::vector<int64_t>{2, 3}).attr("keep_aspect_ratio_policy", std::string("not_larger"));
  REQUIRE(k.infer().ok());
  CHECK(k.shape(0) == Shape{1, 1, 2, 3});
  k.attr("keep_aspect_ratio_policy", std::string("not_smaller"));
  REQUIRE(k.infer().ok());
  CHECK(k.shape(0) == Shape{1, 1, 3, 6});

  OpTester both("Resize", 13);
  both.input(iota<float>({1, 4})).absent().input(Tensor::from_vector<float>({2}, {1, 2})).input(i64({1, 8}));
  CHECK_FALSE(both.infer().ok());
  OpTester unknown("Resize", 13);
  unknown.input(iota<float>({1, 4})).absent().input(Tensor::from_vector<float>({2}, {1, 2}), /*known=*/false);
  CHECK(unknown.infer().code() == StatusCode::kNeedsValue);
}

TEST_CASE("Resize tf_crop_and_resize samples the roi and extrapolates outside it") {
  const Tensor x = iota<float>({1, 5});
  OpTester t("Resize", 13);
  t.attr("mode", std::string("linear")).attr("coordinate_transformation_mode", std::string("tf_crop_and_resize"));
  t.attr_f("extrapolation_value", -7.0f);
  t.input(x).input(Tensor::from_vector<float>({4}, {0, -0.25f, 1, 0.75f})).absent().input(i64({1, 5}));
  REQUIRE(t.run().ok());
  // Columns sample x = -1, 0, 1, 2, 3 (start -0.25 * 4, step 0.25 * 4): the first lies outside.
  CHECK(t.values<float>() == std::vector<float>{-7, 0, 1, 2, 3});
}

TEST_CASE("Resize antialias widens the linear filter when downsampling") {
  OpTester t = resize(iota<float>({8}), "linear", "half_pixel", {0.5f});
  t.attr("antialias", int64_t{1});
  REQUIRE(t.run().ok());
  // Triangle of half-width 2 at x = 2j + 0.5: weights 1/8, 3/8, 3/8, 1/8, edge-clamped.
  const std::vector<float> got = t.values<float>();
  const std::vector<float> expect{0.625f, 2.5f, 4.5f, 6.375f};
  for (size_t i = 0; i < 4; ++i) CHECK(got[i] == doctest::Approx(expect[i]));
  OpTester nearest = resize(iota<float>({8}), "nearest", "half_pixel", {0.5f});
  nearest.attr("antialias", int64_t{1});
  CHECK_FALSE(nearest.infer().ok());
}

TEST_CASE("Resize antialias keeps constants constant and changes nothing when upsampling") {
  for (const std::string mode : {"linear", "cubic"}) {
    OpTester flat = resize(Tensor::from_vector<float>({9}, std::vector<float>(9, 2.5f)), mode, "half_pixel", {0.3f});
    flat.attr("antialias", int64_t{1});
    REQUIRE(flat.run().ok());
    for (float v : flat.values<float>()) CHECK(v == doctest::Approx(2.5f));
    const Tensor x = Tensor::from_vector<float>({5}, {1, -2, 4, 0, 3});
    OpTester aa = resize(x, mode, "half_pixel", {2.5f});
    aa.attr("antialias", int64_t{1});
    OpTester plain = resize(x, mode, "half_pixel", {2.5f});
    REQUIRE(aa.run().ok());
    REQUIRE(plain.run().ok());
    const std::vector<float> a = aa.values<float>(), b = plain.values<float>();
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) CHECK(a[i] == doctest::Approx(b[i]));
  }
}

TEST_CASE("Resize-10 takes scales as input 1 with asymmetric coordinates") {
  OpTester up("Resize", 10);
  up.input(iota<float>({2, 2})).input(Tensor::from_vector<float>({2}, {1, 2}));
  REQUIRE(up.run().ok());
  CHECK(up.values<float>() == std::vector<float>{0, 0, 1, 1, 2, 2, 3, 3});
  // Downsampling rounds source coordinates up, as ONNX Runtime does for Resize-10 and Upsample.
  OpTester down("Resize", 10);
  down.input(iota<float>({1, 5})).input(Tensor::from_vector<float>({2}, {1, 0.4f}));
  REQUIRE(down.run().ok());
  CHECK(down.values<float>() == std::vector<float>{0, 3});
}

TEST_CASE("Resize nearest moves any element type; interpolation of integers truncates") {
  OpTester t = resize(iota<uint8_t>({2, 2}), "nearest", "asymmetric", {2, 2});
  REQUIRE(t.run().ok());
  CHECK(t.values<uint8_t>() == std::vector<uint8_t>{0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3});
  OpTester lin = resize(Tensor::from_vector<int32_t>({3}, {0, 3, 6}), "linear", "asymmetric", {2});
  REQUIRE(lin.run().ok());
  CHECK(lin.values<int32_t>() == std::vector<int32_t>{0, 1, 3, 4, 6, 6});
}

TEST_CASE("Upsample repeats elements for integer scales (attribute in opset 7, input in 9)") {
  const Tensor x = iota<float>({1, 2, 2});
  OpTester u7("Upsample", 7);
  u7.attr("mode", std::string("nearest")).attr_fs("scales", {1, 2, 3}).input(x);
  REQUIRE(u7.run().ok());
  OpTester u9("Upsample", 9);
  u9.input(x).input(Tensor::from_vector<float>({3}, {1, 2, 3}));
  REQUIRE(u9.run().ok());
  REQUIRE(u7.output().shape() == Shape{1, 4, 6});
  for (int64_t o = 0; o < 24; ++o) {
    const std::vector<int64_t> i = unravel(o, {1, 4, 6});
    const float expect = x.data<float>()[ravel({0, i[1] / 2, i[2] / 3}, x.shape())];
    CHECK(u7.output().data<float>()[o] == expect);
    CHECK(u9.output().data<float>()[o] == expect);
  }
  OpTester lin("Upsample", 9);
  lin.attr("mode", std::string("linear")).input(Tensor::from_vector<float>({2}, {0, 4})).input(Tensor::from_vector<float>({1}, {2}));
  REQUIRE(lin.run().ok());
  CHECK(lin.values<float>() == std::vector<float>{0, 2, 4, 4});
}

}  // namespace
}  // namespace edgerun::testing
