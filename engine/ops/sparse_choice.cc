#include "engine/ops/sparse_choice.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>
#include <vector>

#include "kernels/conv/conv2d.h"
#include "kernels/gemm/dense.h"

namespace edgerun::ops {

namespace {

using Clock = std::chrono::steady_clock;

struct AlignedFree {
  void operator()(void* p) const { std::free(p); }
};

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

template <typename Kernel>
bool sparse_is_faster(const Kernel& dense, const Kernel& sparse, size_t x_floats, size_t y_floats, bool residual) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> x(x_floats), y(y_floats), res(residual ? y_floats : 0);
  for (float& v : x) v = uniform(rng);
  for (float& v : res) v = uniform(rng);
  const size_t scratch_bytes = (std::max(dense.scratch_bytes(), sparse.scratch_bytes()) + 63) / 64 * 64;
  std::unique_ptr<void, AlignedFree> scratch(scratch_bytes == 0 ? nullptr : std::aligned_alloc(64, scratch_bytes));
  if (scratch_bytes > 0 && scratch == nullptr) return false;  // no memory to time in: keep the dense kernel
  const float* r = residual ? res.data() : nullptr;
  auto time = [&](const Kernel& k) {
    const auto t0 = Clock::now();
    k.run(x.data(), r, y.data(), scratch.get());
    return std::chrono::duration<double>(Clock::now() - t0).count();
  };
  time(dense);  // warm caches and page in the packed weights
  time(sparse);
  // Interleaved rounds so drift on a shared machine hits both alike; at least 5, more for fast layers
  // (up to 21 or about 20 ms of timing).
  std::vector<double> d, s;
  double spent = 0;
  while (d.size() < 5 || (d.size() < 21 && spent < 0.02)) {
    d.push_back(time(dense));
    s.push_back(time(sparse));
    spent += d.back() + s.back();
  }
  return median(s) < median(d);
}

template bool sparse_is_faster(const kernels::Conv2dF32&, const kernels::Conv2dF32&, size_t, size_t, bool);
template bool sparse_is_faster(const kernels::DenseF32&, const kernels::DenseF32&, size_t, size_t, bool);

}  // namespace edgerun::ops
