// The unary table, best first (see kernels/dispatch.h), and the threaded loop around the microkernels.
#include "kernels/eltwise/unary.h"

#include "kernels/eltwise/eltwise_ref.h"
#include "kernels/eltwise/parallel.h"
#include "kernels/x86/eltwise/eltwise_ukernels.h"

namespace edgerun::kernels {

namespace {

using UnaryUkernel = void (*)(UnaryOp op, int64_t n, const float* x, float* y);

// Elements per thread below which a thread does not pay: Relu moves 8 bytes per element at memory
// speed, the transcendental ones spend some 20 vector instructions on each vector.
int64_t unary_grain(UnaryOp op) { return op == UnaryOp::kRelu ? 32768 : 8192; }

template <UnaryUkernel kUkernel>
void run_unary(const UnaryShape& shape, const float* x, float* y) {
  parallel_ranges(shape.n, unary_grain(shape.op), 64,
                  [&](int64_t begin, int64_t end) { kUkernel(shape.op, end - begin, x + begin, y + begin); });
}

}  // namespace

const std::vector<UnaryF32Impl>& unary_f32_impls() {
  static const std::vector<UnaryF32Impl> table = {
      {"f32_vunary__avx512", Isa::kAvx512, Backend::kNative, nullptr, run_unary<f32_vunary__avx512>},
      {"f32_vunary__avx2", Isa::kAvx2, Backend::kNative, nullptr, run_unary<f32_vunary__avx2>},
      {"f32_vunary__ref", Isa::kRef, Backend::kNative, nullptr, unary_f32_ref},
  };
  return table;
}

}  // namespace edgerun::kernels
