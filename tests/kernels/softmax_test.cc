// The f32 Softmax family (kernels/eltwise/softmax.h): every entry against the reference entry (double
// accumulation) on tail lengths, single rows, threaded row counts, large and tiny logits, -inf masks,
// NaN and inf.
#include "kernels/eltwise/softmax.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/eltwise/eltwise_ref.h"
#include "tests/kernels/kernel_tester.h"

namespace edgerun {
namespace {

using testing::for_each_impl;
using testing::random_floats;

constexpr float kInf = std::numeric_limits<float>::infinity();

// Compares with the reference; NaN must be where the reference has NaN. x - max rounds to float
// (half an ulp of |x - max|), which exp turns into that much relative error: the bound grows with it.
void check_softmax(const kernels::SoftmaxF32Impl& impl, int64_t rows, int64_t n, const std::vector<float>& x) {
  CAPTURE(rows);
  CAPTURE(n);
  const kernels::SoftmaxShape shape{rows, n};
  std::vector<float> want(x.size()), got(x.size(), 42.0f), in_place = x;
  kernels::softmax_f32_ref(shape, x.data(), want.data());
  impl.run(shape, x.data(), got.data());
  impl.run(shape, in_place.data(), in_place.data());
  int bad = 0;
  for (int64_t r = 0; r < rows; ++r) {
    double max = -kInf;
    for (int64_t k = 0; k < n; ++k) max = std::max(max, static_cast<double>(x[static_cast<size_t>(r * n + k)]));
    for (int64_t k = 0; k < n; ++k) {
      const size_t i = static_cast<size_t>(r * n + k);
      const double rel = 1e-6 + 6e-8 * std::fabs(x[i] - max);
      const bool ok = std::isnan(want[i]) ? std::isnan(got[i])
                                          : got[i] == want[i] || std::fabs(got[i] - want[i]) <= rel * want[i] + 1e-37;
      const bool same = std::isnan(got[i]) ? std::isnan(in_place[i]) : in_place[i] == got[i];
      bad += ok && same ? 0 : 1;
    }
  }
  CHECK(bad == 0);
}

TEST_CASE("softmax f32 kernels match the reference on tails and row counts") {
  for_each_impl(kernels::softmax_f32_impls(), [&](const kernels::SoftmaxF32Impl& impl) {
    for (int64_t n = 1; n <= 67; ++n) {
      for (int64_t rows : {1, 3}) check_softmax(impl, rows, n, random_floats(static_cast<size_t>(rows * n), 5, -8, 8));
    }
    check_softmax(impl, 1, 1000, random_floats(1000, 6, -3, 3));
    check_softmax(impl, 96, 128, random_floats(96 * 128, 7, -10, 10));  // attention rows, threaded
  });
}

TEST_CASE("softmax f32 kernels are stable on large and tiny logits and follow the reference on inf and NaN") {
  for_each_impl(kernels::softmax_f32_impls(), [&](const kernels::SoftmaxF32Impl& impl) {
    check_softmax(impl, 2, 37, random_floats(74, 8, 1e4f, 2e4f));    // exp would overflow without max-subtract
    check_softmax(impl, 2, 37, random_floats(74, 9, -2e4f, -1e4f));  // and underflow
    check_softmax(impl, 1, 40, std::vector<float>(40, 3.0f));        // ties: uniform
    std::vector<float> masked = random_floats(3 * 33, 10, -2, 2);
    for (size_t i = 0; i < masked.size(); i += 3) masked[i] = -kInf;  // attention mask
    check_softmax(impl, 3, 33, masked);
    std::vector<float> specials = random_floats(5 * 19, 11, -2, 2);
    for (int64_t k = 0; k < 19; ++k) specials[static_cast<size_t>(k)] = -kInf;  // a row all -inf: NaN
    specials[19 + 4] = kInf;                                                    // +inf: NaN
    specials[38 + 17] = std::numeric_limits<float>::quiet_NaN();                // NaN: NaN
    specials[57 + 0] = 1e30f;                                                   // one hot
    check_softmax(impl, 5, 19, specials);
  });
}

}  // namespace
}  // namespace edgerun
