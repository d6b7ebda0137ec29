// The uint8 max pool op of window_kernel.h, over a vector type with byte loads and a byte store
// (store_u8). Include from __<isa>.cc files only (internal linkage throughout).
#pragma once

#include <cstdint>

#include "kernels/x86/pool/u8_pool.h"

namespace edgerun::kernels::x86 {
namespace {

template <class V>
class U8MaxPoolOp {
 public:
  using Reg = typename V::Reg;
  U8MaxPoolOp(const WindowGeometry& g, const U8PoolPlaneArgs& a) : a_(a), out_w_(g.out_w), zero_(V::set1(0.0f)) {}

  // 0 is uint8's lowest: padding never wins, and a window of padding only gives ONNX's lowest.
  Reg fill() const { return zero_; }
  Reg init() const { return zero_; }
  Reg tap(Reg acc, int64_t, int64_t, Reg x) const { return V::max(x, acc); }
  void store(int64_t oh, int64_t ow, Reg acc, int64_t lanes) const { V::store_u8(a_.y + oh * out_w_ + ow, acc, lanes); }

 private:
  const U8PoolPlaneArgs& a_;
  int64_t out_w_;
  Reg zero_;
};

}  // namespace
}  // namespace edgerun::kernels::x86
