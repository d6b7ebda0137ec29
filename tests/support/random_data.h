// Seeded random test data shared by the kernel and unit tests.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace edgerun::testing {

// n integers uniform in [lo, hi] as T (INT8 operands, zero points, biases).
template <typename T>
std::vector<T> random_ints(size_t n, uint32_t seed, int lo, int hi) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(lo, hi);
  std::vector<T> v(n);
  for (T& x : v) x = static_cast<T>(dist(rng));
  return v;
}

}  // namespace edgerun::testing
