// The max and average ops of window_kernel.h and the global (whole-plane) reductions, templates over the
// vector type. Include from __<isa>.cc files only (internal linkage throughout).
#pragma once

#include <cstdint>
#include <limits>

#include "kernels/x86/pool/pool.h"

namespace edgerun::kernels::x86 {
namespace {

// Stores one vector of outputs, the first `lanes` of it.
template <class V>
void store_lanes(float* y, typename V::Reg v, int64_t lanes) {
  if (lanes == V::kLanes) {
    V::store(y, v);
  } else {
    V::store(y, v, V::lanes(0, lanes));
  }
}

template <class V>
class MaxPoolOp {
 public:
  using Reg = typename V::Reg;
  MaxPoolOp(const WindowGeometry& g, const PoolPlaneArgs& a)
      : a_(a), out_w_(g.out_w), empty_(V::set1(-std::numeric_limits<float>::infinity())) {}

  Reg fill() const { return empty_; }
  Reg init() const { return empty_; }
  Reg tap(Reg acc, int64_t, int64_t, Reg x) const { return V::max(x, acc); }
  void store(int64_t oh, int64_t ow, Reg acc, int64_t lanes) const {
    store_lanes<V>(a_.y + oh * out_w_ + ow, acc, lanes);
  }

 private:
  const PoolPlaneArgs& a_;
  int64_t out_w_;
  Reg empty_;
};

template <class V>
class AvgPoolOp {
 public:
  using Reg = typename V::Reg;
  AvgPoolOp(const WindowGeometry& g, const PoolPlaneArgs& a) : a_(a), out_w_(g.out_w), zero_(V::set1(0.0f)) {}

  Reg fill() const { return zero_; }
  Reg init() const { return zero_; }
  Reg tap(Reg acc, int64_t, int64_t, Reg x) const { return V::add(acc, x); }
  void store(int64_t oh, int64_t ow, Reg acc, int64_t lanes) const {
    const Reg cols = lanes == V::kLanes ? V::load(a_.col_divisor + ow)
                                        : V::load(a_.col_divisor + ow, V::lanes(0, lanes), V::set1(1.0f));
    store_lanes<V>(a_.y + oh * out_w_ + ow, V::div(acc, V::mul(V::set1(a_.row_divisor[oh]), cols)), lanes);
  }

 private:
  const PoolPlaneArgs& a_;
  int64_t out_w_;
  Reg zero_;
};

// Max or mean of each plane: four accumulators over whole vectors, then a masked tail.
template <class V, bool kMax>
void global_pool(int64_t planes, int64_t plane, const float* x, float* y) {
  using Reg = typename V::Reg;
  constexpr int L = V::kLanes;
  const Reg start = V::set1(kMax ? std::numeric_limits<float>::lowest() : 0.0f);
  const auto combine = [](Reg acc, Reg v) { return kMax ? V::max(v, acc) : V::add(acc, v); };
  for (int64_t p = 0; p < planes; ++p) {
    const float* in = x + p * plane;
    Reg acc[4] = {start, start, start, start};
    int64_t i = 0;
    for (; i + 4 * L <= plane; i += 4 * L) {
      for (int u = 0; u < 4; ++u) acc[u] = combine(acc[u], V::load(in + i + u * L));
    }
    for (; i + L <= plane; i += L) acc[0] = combine(acc[0], V::load(in + i));
    if (i < plane) acc[1] = combine(acc[1], V::load(in + i, V::lanes(0, plane - i), start));
    const Reg all = combine(combine(acc[0], acc[1]), combine(acc[2], acc[3]));
    if constexpr (kMax) {
      y[p] = V::reduce_max(all);
    } else {
      y[p] = plane > 0 ? V::reduce_add(all) / static_cast<float>(plane) : 0.0f;
    }
  }
}

}  // namespace
}  // namespace edgerun::kernels::x86
