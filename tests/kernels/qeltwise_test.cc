// The uint8 element-wise families (kernels/qeltwise): every entry against the reference, exactly
// (QuantizeLinear / DequantizeLinear against kernels/ref/quant), on lengths off the vector widths,
// zero points 0 / 128 / 255, scales that need large and small shifts, saturation and clamps; the
// integer QLinearAdd and QLinearGlobalAveragePool also against their float formulas, within 1.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "kernels/qeltwise/qadd.h"
#include "kernels/qeltwise/qgavgpool.h"
#include "kernels/qeltwise/quantize.h"
#include "kernels/ref/quant/quantize.h"
#include "tests/kernels/kernel_tester.h"

namespace edgerun::kernels {
namespace {

const int64_t kLengths[] = {0, 1, 7, 15, 17, 31, 33, 63, 65, 100, 1000, 100003};
const uint8_t kZeroPoints[] = {0, 128, 255};

std::vector<uint8_t> random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<uint8_t> v(n);
  for (uint8_t& b : v) b = static_cast<uint8_t>(byte(rng));
  return v;
}

TEST_CASE("qeltwise: quantize matches the reference exactly") {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  for (const float scale : {0.02f, 1.0f, 3.7f, 1e-3f}) {
    for (const uint8_t zp : kZeroPoints) {
      for (const int64_t n : kLengths) {
        std::vector<float> x = testing::random_floats(static_cast<size_t>(n), 7, -300.0f * scale, 300.0f * scale);
        // Specials, ties (k + 1/2) * scale and values just inside / outside the range.
        const float specials[] = {nan,          inf,           -inf,           -0.0f,           0.5f * scale,
                                  1.5f * scale, -2.5f * scale, 127.5f * scale, -128.5f * scale, 255.4f * scale,
                                  1e30f,        -1e30f,        1e-40f};
        for (size_t i = 0; i < x.size(); i += 3) x[i] = specials[(i / 3) % std::size(specials)];
        std::vector<uint8_t> want(x.size());
        ref::quantize_linear<float, uint8_t>(1, 1, n, x.data(), &scale, &zp, want.data());
        testing::for_each_impl(quantize_u8_impls(), [&](const QuantizeU8Impl& impl) {
          std::vector<uint8_t> y(x.size() + 1, 77);
          impl.run(QuantizeShape{n}, x.data(), scale, zp, y.data());
          CHECK(y.back() == 77);  // nothing past n
          y.pop_back();
          CHECK(y == want);
        });
      }
    }
  }
}

TEST_CASE("qeltwise: dequantize matches the reference exactly") {
  for (const float scale : {0.02f, 1.0f, 3.7f, 1e-3f}) {
    for (const uint8_t zp : kZeroPoints) {
      for (const int64_t n : kLengths) {
        const std::vector<uint8_t> x = random_bytes(static_cast<size_t>(n), 3);
        std::vector<float> want(x.size());
        ref::dequantize_linear<uint8_t>(1, 1, n, x.data(), &scale, &zp, want.data());
        testing::for_each_impl(dequantize_u8_impls(), [&](const DequantizeU8Impl& impl) {
          std::vector<float> y(x.size() + 1, 77.0f);
          impl.run(QuantizeShape{n}, x.data(), scale, zp, y.data());
          CHECK(y.back() == 77.0f);
          y.pop_back();
          CHECK((want.empty() || std::memcmp(y.data(), want.data(), want.size() * sizeof(float)) == 0));
        });
      }
    }
  }
}

// QLinearAdd in float (ONNX Runtime's formula, rounding half to even), for the 1-LSB bound.
uint8_t qadd_float(int a, int b, const QAddParams& p) {
  const double v = (a - p.a_zero_point) * static_cast<double>(p.a_scale) / p.y_scale +
                   (b - p.b_zero_point) * static_cast<double>(p.b_scale) / p.y_scale;
  const double q = std::nearbyint(v) + p.y_zero_point;
  return static_cast<uint8_t>(std::min<double>(p.hi, std::max<double>(p.lo, q)));
}

TEST_CASE("qeltwise: qadd matches the reference exactly and the float formula within 1") {
  const auto& table = qadd_u8_impls();
  const QAddU8Impl& reference = table.back();
  struct Scales {
    float a, b, y;
  };
  const Scales scales[] = {{0.02f, 0.02f, 0.04f},
                           {0.1f, 0.003f, 0.05f},
                           {1.0f, 1.0f, 1.0f},
                           {0.5f, 2.0f, 0.01f} /* saturates */,
                           {1e-4f, 3e-4f, 0.7f} /* small */,
                           {7.0f, 0.001f, 1e-5f} /* ratio near 2^20 */};
  uint32_t seed = 5;
  for (const Scales& s : scales) {
    for (const uint8_t zp : kZeroPoints) {
      for (const bool relu : {false, true}) {
        QAddParams p;
        p.a_scale = s.a;
        p.b_scale = s.b;
        p.y_scale = s.y;
        p.a_zero_point = zp;
        p.b_zero_point = static_cast<uint8_t>(255 - zp);
        p.y_zero_point = static_cast<uint8_t>(zp / 2 + 20);
        if (relu) p.lo = p.y_zero_point;
        if (relu) p.hi = 250;
        auto q = make_qadd_quantization(p);
        REQUIRE(q.ok());
        for (const QAddBroadcast mode : {QAddBroadcast::kNone, QAddBroadcast::kScalar, QAddBroadcast::kPerChannel}) {
          // One large case (threaded) per broadcast mode; the rest small.
          for (const int64_t inner : {int64_t{1}, int64_t{15}, int64_t{49}, int64_t{67}, int64_t{40001}}) {
            if (inner > 1000 && (&s != &scales[0] || relu || zp != 128)) continue;
            QAddShape shape;
            shape.outer = 2;
            shape.channels = 3;
            shape.inner = inner;
            shape.b = mode;
            const size_t n = static_cast<size_t>(shape.size());
            const std::vector<uint8_t> a = random_bytes(n, ++seed);
            const size_t b_count = mode == QAddBroadcast::kNone ? n : mode == QAddBroadcast::kScalar ? 1 : 3;
            const std::vector<uint8_t> b = random_bytes(b_count, ++seed);
            std::vector<uint8_t> want(n);
            reference.run(shape, *q, a.data(), b.data(), want.data());
            int worst = 0;
            for (size_t i = 0; i < n; ++i) {
              const size_t bi = mode == QAddBroadcast::kNone ? i : mode == QAddBroadcast::kScalar ? 0 : i / inner % 3;
              worst = std::max(worst, std::abs(want[i] - qadd_float(a[i], b[bi], p)));
            }
            CHECK(worst <= 1);
            testing::for_each_impl(table, [&](const QAddU8Impl& impl) {
              std::vector<uint8_t> y(a);  // y aliases a
              impl.run(shape, *q, y.data(), b.data(), y.data());
              CHECK(y == want);
            });
          }
        }
      }
    }
  }
}

TEST_CASE("qeltwise: qadd quantization rejects bad scales") {
  QAddParams p;
  p.y_scale = 1e-7f;  // ratio 1e7 > 2^20
  CHECK_FALSE(make_qadd_quantization(p).ok());
  p.y_scale = 0.0f;
  CHECK_FALSE(make_qadd_quantization(p).ok());
  p.y_scale = 1.0f;
  p.a_scale = std::numeric_limits<float>::quiet_NaN();
  CHECK_FALSE(make_qadd_quantization(p).ok());
  p.a_scale = 1.0f;
  p.lo = 200;
  p.hi = 100;
  CHECK_FALSE(make_qadd_quantization(p).ok());
}

TEST_CASE("qeltwise: qgavgpool matches the reference exactly and the float formula within 1") {
  const auto& table = qgavgpool_u8_impls();
  uint32_t seed = 9;
  for (const int64_t plane :
       {int64_t{1}, int64_t{7}, int64_t{49}, int64_t{63}, int64_t{64}, int64_t{65}, int64_t{196}, int64_t{3136}}) {
    for (const uint8_t zp : kZeroPoints) {
      for (const float ratio : {1.0f, 0.37f, 25.0f, 1e-3f}) {
        QGlobalAvgPoolShape shape{2 * 67, plane};
        QGlobalAvgPoolParams p;
        p.x_scale = 0.05f * ratio;
        p.y_scale = 0.05f;
        p.x_zero_point = zp;
        p.y_zero_point = static_cast<uint8_t>(255 - zp / 2);
        auto q = make_qgavgpool_quantization(shape, p);
        REQUIRE(q.ok());
        const std::vector<uint8_t> x = random_bytes(static_cast<size_t>(shape.planes * plane), ++seed);
        std::vector<uint8_t> want(static_cast<size_t>(shape.planes));
        table.back().run(shape, *q, x.data(), want.data());
        for (int64_t i = 0; i < shape.planes; ++i) {
          int64_t sum = 0;
          for (int64_t j = 0; j < plane; ++j) sum += x[static_cast<size_t>(i * plane + j)] - zp;
          const double v = std::nearbyint(static_cast<double>(p.x_scale) / p.y_scale * static_cast<double>(sum) /
                                          static_cast<double>(plane)) +
                           p.y_zero_point;
          CHECK(std::abs(want[static_cast<size_t>(i)] - std::min(255.0, std::max(0.0, v))) <= 1);
        }
        testing::for_each_impl(table, [&](const QGlobalAvgPoolU8Impl& impl) {
          std::vector<uint8_t> y(want.size(), 7);
          impl.run(shape, *q, x.data(), y.data());
          CHECK(y == want);
        });
      }
    }
  }
  CHECK_FALSE(make_qgavgpool_quantization(QGlobalAvgPoolShape{1, 0}, QGlobalAvgPoolParams{}).ok());
}

}  // namespace
}  // namespace edgerun::kernels
