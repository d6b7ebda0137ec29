// Shared pieces of the kernel tests: run a check for every entry of a family's table, skipping (and
// saying so) the entries whose ISA this CPU lacks or whose backend this build does not link; seeded
// random data; comparison with a tolerance scaled to the reduction length.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/backend.h"
#include "kernels/cpu_features.h"
#include "tests/support/random_data.h"

namespace edgerun::testing {

// Calls check(impl) for every usable entry of `table`; reports each skipped one.
template <typename Impl, typename Check>
void for_each_impl(const std::vector<Impl>& table, Check&& check) {
  for (const Impl& impl : table) {
    if (!kernels::isa_usable(impl.isa)) {
      MESSAGE("skipped " << std::string(impl.name) << ": this CPU (capped by EDGERUN_ISA) lacks "
                         << std::string(kernels::isa_name(impl.isa)));
      continue;
    }
    const std::string name = impl.name;  // doctest prints a const char* as a pointer
    CAPTURE(name);
    check(impl);
  }
}

inline std::vector<float> random_floats(size_t n, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

// Largest |a - b| / (1 + |b|) over the elements; f32 kernels that sum `depth` products in another
// order than the reference differ by a few ulps times sqrt(depth).
inline double max_relative_error(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = std::fabs(static_cast<double>(a[i]) - b[i]) / (1.0 + std::fabs(static_cast<double>(b[i])));
    if (!(d <= worst)) worst = d;  // NaN propagates as a failure
  }
  return worst;
}

inline double f32_tolerance(int64_t depth) { return 1e-6 * (8.0 + 2.0 * std::sqrt(static_cast<double>(depth))); }

}  // namespace edgerun::testing
