// The depthwise convolution op of window_kernel.h: acc = bias + sum of weight * x over the taps, stored
// as clamp(acc + residual, min, max). Include from __<isa>.cc files only (internal linkage throughout).
#pragma once

#include <cstdint>

#include "kernels/x86/dwconv/dwconv.h"

namespace edgerun::kernels::x86 {
namespace {

template <class V, int K>
class DwConvOp {
 public:
  using Reg = typename V::Reg;

  DwConvOp(const WindowGeometry& g, const DwConvPlaneArgs& a)
      : a_(a),
        out_w_(g.out_w),
        kernel_w_(K != 0 ? K : g.kernel_w),
        zero_(V::set1(0.0f)),
        bias_(V::set1(a.bias)),
        min_(V::set1(a.min)),
        max_(V::set1(a.max)) {
    // A fixed-size kernel keeps its taps broadcast in registers.
    for (int i = 0; i < K * K; ++i) w_[i] = V::set1(a.weights[i]);
  }

  Reg fill() const { return zero_; }
  Reg init() const { return bias_; }
  Reg tap(Reg acc, int64_t kh, int64_t kw, Reg x) const {
    if constexpr (K != 0) return V::fma(w_[kh * K + kw], x, acc);
    return V::fma(V::set1(a_.weights[kh * kernel_w_ + kw]), x, acc);
  }
  // max(bound, v) and min(bound, v) return v when it is NaN, as std::max(v, bound) does.
  void store(int64_t oh, int64_t ow, Reg acc, int64_t lanes) const {
    const int64_t at = oh * out_w_ + ow;
    if (lanes == V::kLanes) {
      if (a_.residual != nullptr) acc = V::add(acc, V::load(a_.residual + at));
      V::store(a_.y + at, V::min(max_, V::max(min_, acc)));
    } else {
      const auto m = V::lanes(0, lanes);
      if (a_.residual != nullptr) acc = V::add(acc, V::load(a_.residual + at, m, zero_));
      V::store(a_.y + at, V::min(max_, V::max(min_, acc)), m);
    }
  }

 private:
  const DwConvPlaneArgs& a_;
  int64_t out_w_, kernel_w_;
  Reg zero_, bias_, min_, max_;
  Reg w_[K != 0 ? K * K : 1];
};

}  // namespace
}  // namespace edgerun::kernels::x86
