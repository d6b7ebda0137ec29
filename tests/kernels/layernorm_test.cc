// The f32 LayerNorm family (kernels/eltwise/layernorm.h): every entry against the reference entry
// (double statistics) on tail lengths, BERT's row length, with and without bias and statistics
// outputs, a large common offset, constant rows and special values.
#include "kernels/eltwise/layernorm.h"

#include <cmath>
#include <limits>
#include <vector>

#include "kernels/eltwise/eltwise_ref.h"
#include "tests/kernels/kernel_tester.h"

namespace edgerun {
namespace {

using testing::f32_tolerance;
using testing::for_each_impl;
using testing::max_relative_error;
using testing::random_floats;

void check_layernorm(const kernels::LayerNormF32Impl& impl, int64_t rows, int64_t n, const std::vector<float>& x,
                     bool with_bias, bool with_stats) {
  CAPTURE(rows);
  CAPTURE(n);
  CAPTURE(with_bias);
  const kernels::LayerNormShape shape{rows, n};
  const std::vector<float> scale = random_floats(static_cast<size_t>(n), 21, 0.5f, 2.0f);
  const std::vector<float> bias = random_floats(static_cast<size_t>(n), 22, -1.0f, 1.0f);
  const float* b = with_bias ? bias.data() : nullptr;
  const size_t r = static_cast<size_t>(rows);
  std::vector<float> want(x.size()), got(x.size()), in_place = x;
  std::vector<float> want_mean(r), want_inv(r), got_mean(r, 42.0f), got_inv(r, 42.0f);
  kernels::layernorm_f32_ref(shape, x.data(), scale.data(), b, 1e-5f, want.data(), want_mean.data(), want_inv.data());
  impl.run(shape, x.data(), scale.data(), b, 1e-5f, got.data(), with_stats ? got_mean.data() : nullptr,
           with_stats ? got_inv.data() : nullptr);
  impl.run(shape, in_place.data(), scale.data(), b, 1e-5f, in_place.data(), nullptr, nullptr);
  CHECK(max_relative_error(got, want) <= f32_tolerance(n));
  CHECK(max_relative_error(in_place, got) == 0);
  if (with_stats) {
    CHECK(max_relative_error(got_mean, want_mean) <= f32_tolerance(n));
    CHECK(max_relative_error(got_inv, want_inv) <= f32_tolerance(n));
  }
}

TEST_CASE("layernorm f32 kernels match the reference on tails, with and without bias and statistics") {
  for_each_impl(kernels::layernorm_f32_impls(), [&](const kernels::LayerNormF32Impl& impl) {
    for (int64_t n = 1; n <= 67; ++n) {
      for (int64_t rows : {1, 3}) {
        const std::vector<float> x = random_floats(static_cast<size_t>(rows * n), static_cast<uint32_t>(n), -3, 3);
        check_layernorm(impl, rows, n, x, n % 2 == 0, n % 3 != 0);
      }
    }
    check_layernorm(impl, 128, 768, random_floats(128 * 768, 23, -4, 4), true, true);  // BERT, threaded
  });
}

TEST_CASE("layernorm f32 kernels keep their precision on a large offset, constant rows and huge values") {
  for_each_impl(kernels::layernorm_f32_impls(), [&](const kernels::LayerNormF32Impl& impl) {
    check_layernorm(impl, 4, 768, random_floats(4 * 768, 24, 1e4f, 1e4f + 1.0f), true, true);
    check_layernorm(impl, 2, 45, std::vector<float>(90, 7.5f), true, true);  // variance 0: y = bias
    check_layernorm(impl, 2, 45, random_floats(90, 25, -1e18f, 1e18f), true, false);
    // NaN and inf poison their row only.
    std::vector<float> x = random_floats(3 * 40, 26, -1, 1);
    x[5] = std::numeric_limits<float>::quiet_NaN();
    x[80] = std::numeric_limits<float>::infinity();
    const kernels::LayerNormShape shape{3, 40};
    const std::vector<float> scale(40, 1.0f);
    std::vector<float> y(x.size());
    impl.run(shape, x.data(), scale.data(), nullptr, 1e-5f, y.data(), nullptr, nullptr);
    CHECK(std::isnan(y[0]));
    CHECK(std::isfinite(y[40]));
    CHECK(std::isnan(y[81]));
  });
}

}  // namespace
}  // namespace edgerun
