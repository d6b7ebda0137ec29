// SPTQ calibrators on known distributions (operators/sptq/calibrators.h).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "operators/sptq/calibrators.h"

namespace edgerun::sptq {
namespace {

// Laplace(0, 1) (200,000 values, fixed seed): a long tail (max about 12) over a bulk within +-3; with
// `relu`, half of the values are exact zeros and the rest exponential.
std::vector<float> long_tailed(bool relu) {
  std::mt19937 rng(7);
  std::exponential_distribution<float> exponential(1.0f);
  std::vector<float> x;
  for (int i = 0; i < 200000; ++i) {
    const float v = exponential(rng);
    x.push_back(i % 2 ? v : relu ? 0.0f : -v);
  }
  return x;
}

Range run(Calibrator c, const std::vector<float>& x, double percentile = 99.99) {
  MinMax mm;
  mm.add(x.data(), static_cast<int64_t>(x.size()));
  Histogram h(mm.range());
  h.add(x.data(), static_cast<int64_t>(x.size()));
  return calibrate(c, mm, &h, percentile).value();
}

TEST_CASE("sptq calibrators: names round-trip, unknown names are errors") {
  for (const char* name : {"minmax", "percentile", "entropy", "mse"})
    CHECK(calibrator_name(parse_calibrator(name).value()) == std::string(name));
  auto bad = parse_calibrator("kl");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("unknown calibrator 'kl'") != std::string::npos);
}

TEST_CASE("sptq minmax: the exact range, widened to contain 0") {
  MinMax mm;
  const std::vector<float> a{-1.0f, 3.0f, 2.0f, NAN};
  mm.add(a.data(), 4);
  CHECK(mm.range().min == -1.0f);
  CHECK(mm.range().max == 3.0f);
  MinMax positive;
  const std::vector<float> b{0.5f, 2.5f};
  positive.add(b.data(), 2);
  CHECK(positive.range().min == 0.0f);
  CHECK(positive.range().max == 2.5f);
  CHECK(MinMax().range().max == 0.0f);
}

TEST_CASE("sptq percentile: both tails of a ramp") {
  // -5000 .. 4999; numpy.percentile(np.arange(-5000, 5000), [0.5, 99.5]) = [-4950.005, 4949.005]
  // (computed with /usr/bin/python3 when this test was written). The cuts are bin edges, at most one
  // bin (10000 / 2048) outside those.
  std::vector<float> ramp;
  for (int i = -5000; i < 5000; ++i) ramp.push_back(static_cast<float>(i));
  const Range r = run(Calibrator::kPercentile, ramp, 99.0);
  const double bin = 9999.0 / kHistogramBins;
  CHECK(r.min <= -4950.005);
  CHECK(r.min >= -4950.005 - bin);
  CHECK(r.max >= 4949.005);
  CHECK(r.max <= 4949.005 + bin);
  // 100: everything.
  const Range all = run(Calibrator::kPercentile, ramp, 100.0);
  CHECK(all.min == -5000.0f);
  CHECK(all.max == 4999.0f);
  CHECK_FALSE(calibrate(Calibrator::kPercentile, MinMax(), nullptr, 99.0).ok());
}

TEST_CASE("sptq entropy and mse clip a long tail but keep the bulk") {
  for (bool relu : {false, true}) {
    const std::vector<float> x = long_tailed(relu);
    MinMax mm;
    mm.add(x.data(), static_cast<int64_t>(x.size()));
    for (Calibrator c : {Calibrator::kEntropy, Calibrator::kMse}) {
      CAPTURE(relu);
      CAPTURE(std::string(calibrator_name(c)));
      const Range r = run(c, x);
      CHECK(r.max < 0.95f * mm.range().max);  // the tail is clipped ...
      CHECK(r.max > 6.0f);                    // ... the bulk kept: P(x > 6) = e^-6 / 2 = 0.12 %
      if (relu) {
        CHECK(r.min == 0.0f);
      } else {
        CHECK(r.min > 0.95f * mm.range().min);
        CHECK(r.min < -6.0f);
      }
    }
  }
}

// Spikes plus a Laplace bulk, as a ReLU sees an image with a constant background: each channel makes
// one value over the background (here 5 values, 8 % of the mass each, as measured on fcn), the zeros
// 35 %. Plain TensorRT KL charged every spike log(bins per level) and clipped at the narrowest window.
TEST_CASE("sptq entropy keeps the bulk under spikes") {
  for (bool relu : {false, true}) {
    CAPTURE(relu);
    std::vector<float> x = long_tailed(relu);
    const size_t bulk = x.size();
    for (float spike : {0.3f, 0.5f, 1.1f, 1.7f, 4.5f}) x.insert(x.end(), bulk * 8 / 100, spike);
    x.insert(x.end(), bulk * 35 / 100, 0.0f);
    std::vector<float> magnitudes;
    for (size_t i = 0; i < bulk; ++i) magnitudes.push_back(std::fabs(x[i]));
    std::nth_element(magnitudes.begin(), magnitudes.begin() + bulk * 99 / 100, magnitudes.end());
    const float p99 = magnitudes[bulk * 99 / 100];  // of the bulk's magnitude
    const Range r = run(Calibrator::kEntropy, x);
    CHECK(r.max > 4.5f);  // every spike kept
    CHECK(r.max > p99);
    if (!relu) CHECK(r.min < -p99);
    CHECK(r.max < 0.95f * *std::max_element(x.begin(), x.end()));  // still clips the long tail
  }
}

TEST_CASE("sptq percentile keeps rare outliers above the cut, clips rarer ones") {
  std::vector<float> x(100000, 1.0f);
  for (int i = 0; i < 20; ++i) x[static_cast<size_t>(i)] = 50.0f;  // 0.02 % of the values
  CHECK(run(Calibrator::kPercentile, x, 99.99).max == 50.0f);      // cuts 0.005 % per side: kept
  CHECK(run(Calibrator::kPercentile, x, 99.9).max < 1.1f);         // cuts 0.05 % per side: clipped
}

TEST_CASE("sptq u8_params: scale and zero point as ONNX Runtime computes them") {
  // [-1, 3]: scale = 4 / 255 = 0.0156862745, zero point = round(1 / scale) = round(63.75) = 64.
  const U8Params p = u8_params({-1.0f, 3.0f});
  CHECK(p.scale == doctest::Approx(0.0156862745).epsilon(1e-7));
  CHECK(p.zero_point == 64);
  CHECK(u8_params({0.0f, 2.0f}).zero_point == 0);
  CHECK(u8_params({-2.0f, 0.0f}).zero_point == 255);
  const U8Params zero = u8_params({0.0f, 0.0f});
  CHECK(zero.scale == 1.0f);
  CHECK(zero.zero_point == 0);
}

}  // namespace
}  // namespace edgerun::sptq
