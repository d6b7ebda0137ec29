#include "engine/ops/sparse_choice.h"

#include <algorithm>
#include <chrono>

namespace edgerun::ops {

namespace {

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace

bool try_sparse(kernels::SparseKernels policy, double zero_fraction) {
  switch (policy) {
    case kernels::SparseKernels::kOff: return false;
    case kernels::SparseKernels::kAlways: return true;
    case kernels::SparseKernels::kMeasure: return zero_fraction >= kSparseScreenZeros;
  }
  return false;
}

bool second_is_faster(const std::function<void()>& first, const std::function<void()>& second) {
  using Clock = std::chrono::steady_clock;
  const auto time = [](const std::function<void()>& f) {
    const auto t0 = Clock::now();
    f();
    return std::chrono::duration<double>(Clock::now() - t0).count();
  };
  time(first);  // warm caches and page in the packed weights
  time(second);
  // At least 5 rounds, more for fast layers (up to 21 or about 20 ms of timing).
  std::vector<double> a, b;
  double spent = 0;
  while (a.size() < 5 || (a.size() < 21 && spent < 0.02)) {
    a.push_back(time(first));
    b.push_back(time(second));
    spent += a.back() + b.back();
  }
  return median(b) < median(a);
}

}  // namespace edgerun::ops
